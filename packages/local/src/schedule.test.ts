import { describe, expect, it } from 'vitest';
import { nextAlignedTime, nextFiringAfter, scheduledEvent } from './schedule';

describe('wall-clock schedule', () => {
  it('fires on the next whole minute', () => {
    const now = Date.parse('2026-11-22T12:00:41.250Z');
    expect(new Date(nextAlignedTime(now, 60_000)).toISOString()).toBe('2026-11-22T12:01:00.000Z');
  });

  it('never fires twice for the same instant', () => {
    const onTheMinute = Date.parse('2026-11-22T12:01:00.000Z');
    expect(new Date(nextAlignedTime(onTheMinute, 60_000)).toISOString()).toBe('2026-11-22T12:02:00.000Z');
  });

  it('after firing, fires next at the following instant even if its timer ended before the clock got there', () => {
    const fired = Date.parse('2026-11-22T12:01:00.000Z');
    // The timer for 12:01:00 ended while the wall clock still read a fraction of a millisecond before it.
    const clock = fired - 0.4;
    expect(new Date(nextFiringAfter(fired, clock, 1_000)).toISOString()).toBe('2026-11-22T12:01:01.000Z');
    // A run that started late still goes to the next whole second after the clock.
    expect(new Date(nextFiringAfter(fired, fired + 1_250, 1_000)).toISOString()).toBe('2026-11-22T12:01:02.000Z');
  });

  it('aligns five-minute runs to :00, :05, :10', () => {
    const now = Date.parse('2026-11-22T12:07:59.999Z');
    expect(new Date(nextAlignedTime(now, 300_000)).toISOString()).toBe('2026-11-22T12:10:00.000Z');
  });

  it('builds the event EventBridge sends', () => {
    const event = scheduledEvent('dispatcher', new Date('2026-11-22T12:01:00.004Z'));
    expect(event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-11-22T12:01:00Z' });
    expect(event.resources[0]).toMatch(/:rule\/dispatcher$/);
  });
});
