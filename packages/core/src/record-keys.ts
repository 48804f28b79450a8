const S32 = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * An AT Protocol TID: 53 bits of microseconds since the epoch and a 10-bit clock id, as 13
 * base32-sortable characters.
 */
export function tid(timestampMicros: number, clockId: number): string {
  if (!Number.isInteger(clockId) || clockId < 0 || clockId > 1023) throw new RangeError('clock id must be 0-1023');
  let value = (BigInt(Math.floor(timestampMicros)) << 10n) | BigInt(clockId);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = S32[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** The microseconds since the epoch a TID carries (its clock id dropped); undefined if it is not a TID. */
export function tidTimestampMicros(value: string): number | undefined {
  if (!/^[234567a-z]{13}$/.test(value)) return undefined;
  let n = 0n;
  for (const char of value) n = (n << 5n) | BigInt(S32.indexOf(char));
  return Number(n >> 10n);
}

/**
 * The record keys of a post's items, fixed before the first attempt so that every retry writes
 * the same records: one microsecond apart from the scheduled time, in thread order, with the
 * post's clock id. The same inputs always give the same keys.
 */
export function recordKeys(scheduledAt: Date, clockId: number, count: number): string[] {
  const base = scheduledAt.getTime() * 1000;
  return Array.from({ length: count }, (_, index) => tid(base + index, clockId));
}

/** A random clock id, chosen once per post. */
export const randomClockId = (): number => Math.floor(Math.random() * 1024);
