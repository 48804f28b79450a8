import { describe, expect, it } from 'vitest';
import { isTooLate, nextStep } from './retry-policy';

const now = new Date('2026-11-22T12:00:00Z');
const inSeconds = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('retry policy', () => {
  it('retries network, server and rate-limit failures at 30 s, 2 min, 8 min, then fails', () => {
    expect(nextStep({ attempt: 1, errorClass: 'network', now })).toEqual({ action: 'retry', at: inSeconds(30) });
    expect(nextStep({ attempt: 2, errorClass: 'server', now })).toEqual({ action: 'retry', at: inSeconds(120) });
    expect(nextStep({ attempt: 3, errorClass: 'rate_limited', now })).toEqual({ action: 'retry', at: inSeconds(480) });
    expect(nextStep({ attempt: 4, errorClass: 'network', now })).toEqual({ action: 'fail' });
  });

  it('waits for a later reset the server gave, never less than the backoff', () => {
    expect(nextStep({ attempt: 1, errorClass: 'rate_limited', now, retryAfter: inSeconds(600) })).toEqual({
      action: 'retry',
      at: inSeconds(600),
    });
    expect(nextStep({ attempt: 1, errorClass: 'rate_limited', now, retryAfter: inSeconds(5) })).toEqual({
      action: 'retry',
      at: inSeconds(30),
    });
  });

  it('looks again shortly, without backoff, while a video is still processing (the late policy ends the wait)', () => {
    expect(nextStep({ attempt: 1, errorClass: 'video_processing', now })).toEqual({ action: 'retry', at: inSeconds(20) });
    expect(nextStep({ attempt: 30, errorClass: 'video_processing', now })).toEqual({ action: 'retry', at: inSeconds(20) });
  });

  it('blocks on session problems and fails bad posts at once', () => {
    expect(nextStep({ attempt: 1, errorClass: 'auth', now })).toEqual({ action: 'block' });
    expect(nextStep({ attempt: 1, errorClass: 'session_ended', now })).toEqual({ action: 'block' });
    expect(nextStep({ attempt: 1, errorClass: 'validation', now })).toEqual({ action: 'fail' });
  });
});

describe('late policy', () => {
  it('skips only past the grace period, and only under "skip"', () => {
    const scheduledAt = inSeconds(-901);
    expect(isTooLate({ scheduledAt, now, latePolicy: 'skip', graceSeconds: 900 })).toBe(true);
    expect(isTooLate({ scheduledAt: inSeconds(-899), now, latePolicy: 'skip', graceSeconds: 900 })).toBe(false);
    expect(isTooLate({ scheduledAt, now, latePolicy: 'publish', graceSeconds: 900 })).toBe(false);
  });
});
