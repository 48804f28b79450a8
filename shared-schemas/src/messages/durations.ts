/**
 * Durations as people read them: "1 hour 30 minutes" / 「1時間30分」 rather than "5400 seconds".
 * Every unit that is not zero is named, largest first, so nothing is rounded away; a fraction of
 * a second (a video's measured length) stays on the seconds.
 */
const UNITS = [
  { seconds: 86_400, en: ['day', 'days'], ja: '日' },
  { seconds: 3_600, en: ['hour', 'hours'], ja: '時間' },
  { seconds: 60, en: ['minute', 'minutes'], ja: '分' },
  { seconds: 1, en: ['second', 'seconds'], ja: '秒' },
] as const;

function parts(totalSeconds: number): Array<{ count: number; unit: (typeof UNITS)[number] }> {
  const total = Math.max(0, Math.round(totalSeconds * 100) / 100);
  let rest = Math.floor(total);
  const fraction = Math.round((total - rest) * 100) / 100;
  const out: Array<{ count: number; unit: (typeof UNITS)[number] }> = [];
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.seconds);
    rest -= count * unit.seconds;
    const value = unit.seconds === 1 ? count + fraction : count;
    if (value > 0) out.push({ count: value, unit });
  }
  return out.length ? out : [{ count: 0, unit: UNITS[3] }];
}

export const durationEn = (seconds: number): string =>
  parts(seconds)
    .map(({ count, unit }) => `${count} ${count === 1 ? unit.en[0] : unit.en[1]}`)
    .join(' ');

export const durationJa = (seconds: number): string =>
  parts(seconds)
    .map(({ count, unit }) => `${count}${unit.ja}`)
    .join('');
