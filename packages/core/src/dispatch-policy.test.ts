import { describe, expect, it } from 'vitest';
import {
  deliveryDelaySeconds,
  EARLY_DELIVERY_MS,
  earlyDeliveryMs,
  LEASE_MARGIN_MS,
  MAX_DELAY_SECONDS,
  MAX_UPLOADS_PER_POST,
  PREPARE_MS_PER_UPLOAD,
  PUBLISH_VISIBILITY_TIMEOUT_SECONDS,
  PUBLISHER_TIMEOUT_SECONDS,
  takeoverAfterDueMs,
  WRITE_BUDGET_MS,
} from './dispatch-policy';
import { MAX_IMAGES_PER_POST, MAX_THREAD_ITEMS } from './thread';

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

describe('publication timings (what the numbers must keep true, not the numbers)', () => {
  const now = new Date('2026-11-22T12:00:00.000Z');

  it('delivers a post with images earlier by their upload time, up to the most a thread can carry', () => {
    const due = new Date(now.getTime() + 60_000);
    expect(deliveryDelaySeconds(due, now, 10)).toBeLessThan(deliveryDelaySeconds(due, now, 0));
    expect(earlyDeliveryMs(0)).toBe(EARLY_DELIVERY_MS);
    expect(earlyDeliveryMs(MAX_UPLOADS_PER_POST * 2)).toBe(earlyDeliveryMs(MAX_UPLOADS_PER_POST));
    expect(earlyDeliveryMs(-1)).toBe(EARLY_DELIVERY_MS);
    expect(MAX_UPLOADS_PER_POST).toBe(MAX_THREAD_ITEMS * MAX_IMAGES_PER_POST);
  });

  it('gives the publisher time for the longest publication: arriving early with every upload, then the write', () => {
    // The message may arrive up to a second more than earlyDeliveryMs before the second (whole-second delays).
    expect(PUBLISHER_TIMEOUT_SECONDS * 1000).toBeGreaterThanOrEqual(earlyDeliveryMs(MAX_UPLOADS_PER_POST) + 1_000 + WRITE_BUDGET_MS);
    // Lambda counts the timeout from the batch's reception: a longer early delivery than the timeout would idle out.
    expect(earlyDeliveryMs(MAX_UPLOADS_PER_POST) + 1_000).toBeLessThan(PUBLISHER_TIMEOUT_SECONDS * 1000);
  });

  it('lets a redelivery find a dead publisher’s lease over, and take its post over well within 30 s of its second', () => {
    expect(PUBLISH_VISIBILITY_TIMEOUT_SECONDS * 1000).toBeGreaterThan(PUBLISHER_TIMEOUT_SECONDS * 1000 + LEASE_MARGIN_MS);
    // The redelivery then prepares and writes in full; it needs at least the write budget left of the 30 s.
    for (const uploads of [0, 1, 4, MAX_UPLOADS_PER_POST]) {
      expect(takeoverAfterDueMs(uploads)).toBeLessThanOrEqual(30_000 - WRITE_BUDGET_MS);
      // … and the images' own time again, for a post whose upload time moved its message earlier.
      expect(takeoverAfterDueMs(uploads) + uploads * PREPARE_MS_PER_UPLOAD).toBeLessThanOrEqual(30_000 - WRITE_BUDGET_MS);
    }
  });
});
