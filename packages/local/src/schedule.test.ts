import { describe, expect, it } from 'vitest';
import { nextAlignedTime, scheduledEvent } from './schedule';

describe('wall-clock schedule', () => {
  it('fires on the next whole minute', () => {
    const now = Date.parse('2026-11-22T12:00:41.250Z');
    expect(new Date(nextAlignedTime(now, 60_000)).toISOString()).toBe('2026-11-22T12:01:00.000Z');
  });

  it('never fires twice for the same instant', () => {
    const onTheMinute = Date.parse('2026-11-22T12:01:00.000Z');
    expect(new Date(nextAlignedTime(onTheMinute, 60_000)).toISOString()).toBe('2026-11-22T12:02:00.000Z');
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
