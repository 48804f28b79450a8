import { describe, expect, it } from 'vitest';
import { classifySessionEnd } from './session-end';

const day = 24 * 3600_000;
const now = new Date('2026-11-22T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * day);

describe('classifySessionEnd', () => {
  it('calls a refused refresh of a young session a revocation', () => {
    expect(
      classifySessionEnd({ cause: 'refresh-rejected', clientKind: 'confidential', createdAt: ago(10), lastRefreshAt: ago(1), now }).state,
    ).toBe('revoked');
  });

  it('calls it an expiry once the session outlived the server limits', () => {
    expect(
      classifySessionEnd({ cause: 'refresh-rejected', clientKind: 'loopback', createdAt: ago(15), lastRefreshAt: ago(1), now }).state,
    ).toBe('expired');
    expect(
      classifySessionEnd({ cause: 'refresh-rejected', clientKind: 'confidential', createdAt: ago(200), lastRefreshAt: ago(91), now }).state,
    ).toBe('expired');
  });

  it('marks our own logout as revoked and anything unusable as expired', () => {
    expect(classifySessionEnd({ cause: 'revoked-by-us', clientKind: 'loopback', createdAt: ago(1), lastRefreshAt: null, now }).state).toBe(
      'revoked',
    );
    expect(classifySessionEnd({ cause: 'unusable', clientKind: 'loopback', createdAt: ago(1), lastRefreshAt: null, now }).state).toBe(
      'expired',
    );
  });
});
