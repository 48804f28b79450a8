import { describe, expect, it } from 'vitest';
import { parseScheduledTime, scheduleProblems, wallClockTime } from './scheduled-time';

const instant = (input: string) => {
  const parsed = parseScheduledTime(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problem));
  return parsed.instant.toISOString();
};
const problem = (input: string) => {
  const parsed = parseScheduledTime(input);
  return parsed.ok ? undefined : parsed.problem.code;
};

describe('scheduled time', () => {
  it('reads offsets and UTC', () => {
    expect(instant('2026-12-24T18:00:00+01:00')).toBe('2026-12-24T17:00:00.000Z');
    expect(instant('2026-12-24T18:00Z')).toBe('2026-12-24T18:00:00.000Z');
    expect(instant('2026-12-24T18:00:00.250-05:30')).toBe('2026-12-24T23:30:00.250Z');
  });

  it('reads a local time in a named zone, across daylight saving', () => {
    expect(instant('2026-12-24T18:00:00[Europe/Paris]')).toBe('2026-12-24T17:00:00.000Z');
    expect(instant('2026-07-14T18:00:00[Europe/Paris]')).toBe('2026-07-14T16:00:00.000Z');
    expect(instant('2026-07-14T09:00:00[America/New_York]')).toBe('2026-07-14T13:00:00.000Z');
  });

  it('refuses a local time the clocks skip, and takes the first of a repeated one', () => {
    expect(problem('2026-03-29T02:30:00[Europe/Paris]')).toBe('nonexistent_local_time');
    expect(instant('2026-10-25T02:30:00[Europe/Paris]')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('checks an offset given with a zone', () => {
    expect(instant('2026-12-24T18:00:00+01:00[Europe/Paris]')).toBe('2026-12-24T17:00:00.000Z');
    expect(problem('2026-12-24T18:00:00+02:00[Europe/Paris]')).toBe('inconsistent_offset');
  });

  it.each([
    ['2026-12-24T18:00:00', 'invalid_time'],
    ['tomorrow at six', 'invalid_time'],
    ['2026-02-30T10:00:00Z', 'invalid_time'],
    ['2026-12-24T25:00:00Z', 'invalid_time'],
    ['2026-12-24T18:00:00[Mars/Olympus]', 'invalid_time_zone'],
  ])('refuses %s', (input, code) => {
    expect(problem(input)).toBe(code);
  });

  it('wants a lead of at least 30 seconds and at most a year', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(scheduleProblems(new Date('2026-11-22T12:00:29Z'), now).map((p) => p.code)).toEqual(['too_soon']);
    expect(scheduleProblems(new Date('2026-11-22T12:00:31Z'), now)).toEqual([]);
    expect(scheduleProblems(new Date('2027-11-23T12:00:00Z'), now).map((p) => p.code)).toEqual(['too_far']);
  });
});

describe('wall-clock time in a zone', () => {
  it('is what a clock on the wall there shows, either side of a change of offset, and reads back as the same instant', () => {
    expect(wallClockTime(Date.parse('2026-03-29T00:59:59Z'), 'Europe/Paris')).toBe('2026-03-29T01:59:59');
    expect(wallClockTime(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Paris')).toBe('2026-03-29T03:00:00');
    expect(wallClockTime(new Date('2026-12-31T15:00:00Z'), 'Asia/Tokyo')).toBe('2027-01-01T00:00:00');
    const at = Date.parse('2026-10-25T00:30:00Z');
    const parsed = parseScheduledTime(`${wallClockTime(at, 'Europe/Paris')}[Europe/Paris]`);
    expect(parsed.ok && parsed.instant.getTime()).toBe(at);
  });
});
