import type { Temporal as TemporalApi } from 'temporal-polyfill';

/**
 * Zoned times for the schedule picker. Chromium has Temporal built in; elsewhere the polyfill is
 * loaded (a chunk of its own, only where needed).
 */
export type Temporal = typeof TemporalApi;
let loading: Promise<Temporal> | undefined;
export const loadTemporal = (): Promise<Temporal> =>
  (loading ??=
    'Temporal' in globalThis
      ? Promise.resolve((globalThis as unknown as { Temporal: Temporal }).Temporal)
      : import('temporal-polyfill').then((module) => module.Temporal));

export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Every zone the browser knows, the user's own first. */
export function timeZones(own: string): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [own, ...all.filter((zone) => zone !== own)];
}

/** The time the API is sent: wall time (to the second) and zone (RFC 9557); the API decides what a DST edge means. */
export const apiTime = (date: string, time: string, zone: string) => `${date}T${/^\d{2}:\d{2}$/.test(time) ? `${time}:00` : time}[${zone}]`;

export type WallTime =
  | { kind: 'ok'; epochMs: number; offset: string }
  /** The clocks skip this time (spring forward): `before`/`after` are the offsets around the gap. */
  | { kind: 'skipped'; before: string; after: string }
  /** The clocks show this time twice (fall back): the first is taken. */
  | { kind: 'repeated'; first: { epochMs: number; offset: string }; second: { epochMs: number; offset: string } }
  | { kind: 'invalid' };

/** What a wall time means in a zone, read the way the API reads it. */
export function readWallTime(T: Temporal, date: string, time: string, zone: string): WallTime {
  let wall: TemporalApi.PlainDateTime;
  try {
    wall = T.PlainDateTime.from(`${date}T${time}`);
  } catch {
    return { kind: 'invalid' };
  }
  let earlier: TemporalApi.ZonedDateTime;
  let later: TemporalApi.ZonedDateTime;
  try {
    earlier = wall.toZonedDateTime(zone, { disambiguation: 'earlier' });
    later = wall.toZonedDateTime(zone, { disambiguation: 'later' });
  } catch {
    return { kind: 'invalid' };
  }
  if (!earlier.toPlainDateTime().equals(wall)) return { kind: 'skipped', before: earlier.offset, after: later.offset };
  if (earlier.epochMilliseconds !== later.epochMilliseconds) {
    return {
      kind: 'repeated',
      first: { epochMs: earlier.epochMilliseconds, offset: earlier.offset },
      second: { epochMs: later.epochMilliseconds, offset: later.offset },
    };
  }
  return { kind: 'ok', epochMs: earlier.epochMilliseconds, offset: earlier.offset };
}

export interface QuickChoice {
  key: 'inAnHour' | 'tonight' | 'tomorrowMorning' | 'nextMonday';
  date: string;
  time: string;
}

/** One-click times: in an hour (rounded up to 5 minutes), tonight at 20:00, tomorrow at 9:00, next Monday at 9:00. */
export function quickChoices(T: Temporal, zone: string, now: TemporalApi.Instant = T.Now.instant()): QuickChoice[] {
  const here = now.toZonedDateTimeISO(zone);
  const hour = here.add({ hours: 1 });
  const rounded = hour.round({ smallestUnit: 'minute', roundingIncrement: 5, roundingMode: 'ceil' });
  const at = (key: QuickChoice['key'], value: TemporalApi.PlainDateTime): QuickChoice => ({
    key,
    date: value.toPlainDate().toString(),
    time: value.toPlainTime().toString({ smallestUnit: 'minute' }),
  });
  const today = here.toPlainDate();
  const choices = [at('inAnHour', rounded.toPlainDateTime())];
  if (here.hour < 19) choices.push(at('tonight', today.toPlainDateTime({ hour: 20 })));
  choices.push(at('tomorrowMorning', today.add({ days: 1 }).toPlainDateTime({ hour: 9 })));
  const untilMonday = (8 - today.dayOfWeek) % 7 || 7;
  if (untilMonday > 1) choices.push(at('nextMonday', today.add({ days: untilMonday }).toPlainDateTime({ hour: 9 })));
  return choices;
}
