import { describe, expect, it } from 'vitest';
import { deliveryDelaySeconds, EARLY_DELIVERY_MS, MAX_DELAY_SECONDS } from './dispatch-policy';

describe('delivery delay', () => {
  const now = new Date('2026-11-22T12:00:00.000Z');
  const due = (ms: number) => new Date(now.getTime() + ms);

  it('delivers a few seconds early, never late, in whole seconds', () => {
    expect(deliveryDelaySeconds(due(30_000), now)).toBe(26);
    expect(deliveryDelaySeconds(due(30_999), now)).toBe(26);
    for (let ms = 0; ms < 120_000; ms += 137) {
      const arrives = now.getTime() + deliveryDelaySeconds(due(ms), now) * 1000;
      expect(arrives).toBeLessThanOrEqual(Math.max(now.getTime(), due(ms).getTime() - EARLY_DELIVERY_MS));
      expect(due(ms).getTime() - arrives).toBeLessThan(EARLY_DELIVERY_MS + 1000 + Math.max(0, -ms));
    }
  });

  it('sends at once what is due within the early margin or overdue, and caps at SQS’s limit', () => {
    expect(deliveryDelaySeconds(due(3_000), now)).toBe(0);
    expect(deliveryDelaySeconds(due(-60_000), now)).toBe(0);
    expect(deliveryDelaySeconds(due(3_600_000), now)).toBe(MAX_DELAY_SECONDS);
  });
});
