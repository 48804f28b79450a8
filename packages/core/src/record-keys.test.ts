import { TID } from '@atproto/common-web';
import { describe, expect, it } from 'vitest';
import { recordKeys, tid, tidTimestampMicros } from './record-keys';

describe('record keys', () => {
  it('are TIDs exactly as the AT Protocol reference implementation makes them', () => {
    for (const [micros, clock] of [
      [1_795_000_000_000_000, 0],
      [1_795_000_000_123_456, 1023],
      [1_700_000_000_000_001, 42],
    ] as const) {
      expect(tid(micros, clock)).toBe(TID.fromTime(micros, clock).toString());
    }
  });

  it('are deterministic, distinct and in thread order', () => {
    const at = new Date('2026-12-24T17:00:00Z');
    const keys = recordKeys(at, 7, 5);
    expect(recordKeys(at, 7, 5)).toEqual(keys);
    expect(new Set(keys).size).toBe(5);
    expect([...keys].sort()).toEqual(keys);
    expect(TID.fromStr(keys[0]!).timestamp()).toBe(at.getTime() * 1000);
    expect(TID.fromStr(keys[0]!).clockid()).toBe(7);
  });

  it('change with the scheduled time or the clock id', () => {
    const at = new Date('2026-12-24T17:00:00Z');
    expect(recordKeys(new Date(at.getTime() + 1000), 7, 1)).not.toEqual(recordKeys(at, 7, 1));
    expect(recordKeys(at, 8, 1)).not.toEqual(recordKeys(at, 7, 1));
  });
});

describe('tidTimestampMicros', () => {
  it('reads back the time of a TID (a repository rev is one)', () => {
    const micros = 1_795_000_000_123_456;
    expect(tidTimestampMicros(tid(micros, 999))).toBe(micros);
    expect(tidTimestampMicros(TID.fromTime(micros, 3).toString())).toBe(micros);
    expect(tidTimestampMicros('not-a-tid')).toBeUndefined();
  });
});
