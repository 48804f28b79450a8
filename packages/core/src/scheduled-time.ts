import type { Problem } from './text';

export interface ScheduleLimits {
  /** A post must be scheduled at least this far ahead (default 30 s). */
  minLeadSeconds: number;
  /** …and at most this far (a year). */
  maxAheadDays: number;
}
export const DEFAULT_SCHEDULE_LIMITS: ScheduleLimits = { minLeadSeconds: 30, maxAheadDays: 365 };

const LOCAL = String.raw`(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?`;
const OFFSET = String.raw`(Z|[+-]\d{2}:\d{2})`;
const WITH_OFFSET = new RegExp(`^${LOCAL}${OFFSET}$`);
const WITH_ZONE = new RegExp(`^${LOCAL}${OFFSET}?\\[([A-Za-z0-9_+\\-/]+)\\]$`);

/** An instant's wall-clock time in `zone`, like `2026-12-24T18:00:00` (what a `…[zone]` time carries). */
export function wallClockTime(t: number | Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(t);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/** The offset of `zone` at instant `t`, in milliseconds (UTC+1 → 3_600_000). */
function zoneOffsetMs(t: number, zone: string): number {
  return Date.parse(`${wallClockTime(t, zone)}Z`) - Math.floor(t / 1000) * 1000;
}

/** Whether the runtime knows this IANA time zone. */
export const isValidTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export type ParsedTime = { ok: true; instant: Date; timeZone?: string } | { ok: false; problem: Problem };

const bad = (code: string, params: Record<string, unknown> = {}): ParsedTime => ({ ok: false, problem: { code, params } });

/**
 * Reads a scheduled time: ISO 8601 with an offset (`2026-12-24T18:00:00+01:00`, `…Z`), or a local
 * time with an IANA zone (`2026-12-24T18:00:00[Europe/Paris]`, RFC 9557). A time without either is
 * refused: "18:00" means nothing until we know where.
 */
export function parseScheduledTime(input: string): ParsedTime {
  const zoned = WITH_ZONE.exec(input);
  const match = zoned ?? WITH_OFFSET.exec(input);
  if (!match) {
    return bad('invalid_time', { hint: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(input) ? 'add_zone' : 'format' });
  }
  const [, y, mo, d, h, mi, s = '0', fraction = '0', offset, zone] = match;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  // Date.UTC reads years 0-99 as 1900-1999, and PostgreSQL has no year 0: keep to what both mean alike.
  if (fields[0] < 1970) return bad('invalid_time', { hint: 'out_of_range' });
  const millis = Math.floor(Number(`0.${fraction}`) * 1000);
  const local = Date.UTC(...fields) + millis;
  const check = new Date(local);
  if (check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    return bad('invalid_time', { hint: 'nonexistent_date' });
  }
  const offsetMs =
    offset && offset !== 'Z'
      ? (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 3_600_000 + Number(offset.slice(4, 6)) * 60_000)
      : 0;

  if (!zone) return { ok: true, instant: new Date(local - offsetMs) };
  if (!isValidTimeZone(zone)) return bad('invalid_time_zone', { zone });
  if (offset) {
    const instant = local - offsetMs;
    if (zoneOffsetMs(instant, zone) !== offsetMs) return bad('inconsistent_offset', { offset, zone });
    return { ok: true, instant: new Date(instant), timeZone: zone };
  }
  // Local wall time in the zone: try the offsets in force around it (DST moves them).
  const candidates = [zoneOffsetMs(local - 86_400_000, zone), zoneOffsetMs(local, zone), zoneOffsetMs(local + 86_400_000, zone)];
  const instants = [...new Set(candidates)].map((candidate) => local - candidate).filter((t) => zoneOffsetMs(t, zone) === local - t);
  if (instants.length === 0) return bad('nonexistent_local_time', { zone });
  // Twice-occurring times (clocks going back) take the first occurrence.
  return { ok: true, instant: new Date(Math.min(...instants)), timeZone: zone };
}

/** Whether an instant is acceptable as a publication time right now. */
export function scheduleProblems(instant: Date, now: Date, limits: ScheduleLimits = DEFAULT_SCHEDULE_LIMITS): Problem[] {
  const lead = (instant.getTime() - now.getTime()) / 1000;
  if (lead < limits.minLeadSeconds) {
    return [{ code: 'too_soon', params: { minLeadSeconds: limits.minLeadSeconds } }];
  }
  if (lead > limits.maxAheadDays * 86_400) return [{ code: 'too_far', params: { maxAheadDays: limits.maxAheadDays } }];
  return [];
}
