import { describe, expect, it } from 'vitest';
import { clientKindOf, refreshReason, sessionEndsBefore } from './token-policy';

const now = new Date('2026-11-22T12:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const days = (n: number) => n * 24 * 60;
const base = { clientKind: 'confidential' as const, lastRefreshAt: at(-30), createdAt: at(-days(10)), now };

describe('refreshReason', () => {
  it('refreshes a token that ends before the next post is safely out', () => {
    expect(refreshReason({ ...base, accessExpiresAt: at(12), nextDueAt: at(10), lastDueAt: at(10) })).toBe('access-expiring');
    expect(refreshReason({ ...base, accessExpiresAt: at(-1), nextDueAt: at(-2), lastDueAt: at(-2) })).toBe('access-expiring');
  });

  it('leaves a token alone that outlives the next post, or when that post is beyond the horizon', () => {
    expect(refreshReason({ ...base, accessExpiresAt: at(40), nextDueAt: at(10), lastDueAt: at(10) })).toBeUndefined();
    expect(refreshReason({ ...base, accessExpiresAt: at(5), nextDueAt: at(60), lastDueAt: at(60) })).toBeUndefined();
    expect(refreshReason({ ...base, accessExpiresAt: at(5), nextDueAt: null, lastDueAt: null })).toBeUndefined();
  });

  it('renews a session a day before inactivity would end it, only if a post is scheduled after that', () => {
    const idle = { ...base, accessExpiresAt: at(-days(1)), lastRefreshAt: at(-days(89) - 60), nextDueAt: at(days(30)) };
    expect(refreshReason({ ...idle, lastDueAt: at(days(30)) })).toBe('inactivity');
    expect(refreshReason({ ...idle, lastDueAt: at(days(0.5)), nextDueAt: at(days(0.5)) })).toBeUndefined();
    expect(refreshReason({ ...idle, lastRefreshAt: at(-days(80)), lastDueAt: at(days(30)) })).toBeUndefined();
  });
});

describe('sessionEndsBefore', () => {
  it('warns when a public client session ends before the last scheduled post', () => {
    const createdAt = at(-days(10));
    expect(sessionEndsBefore({ clientKind: 'loopback', createdAt, lastDueAt: at(days(7)) })).toEqual(at(days(4)));
    expect(sessionEndsBefore({ clientKind: 'loopback', createdAt, lastDueAt: at(days(3)) })).toBeUndefined();
  });
});

describe('clientKindOf', () => {
  it('tells loopback client ids from confidential ones', () => {
    expect(clientKindOf('http://localhost?redirect_uri=x')).toBe('loopback');
    expect(clientKindOf('https://chronopost.example/oauth/client-metadata.json')).toBe('confidential');
  });
});
