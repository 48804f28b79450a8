import { type ClientKind, SESSION_LIMITS } from './session-end';

/** Posts due this soon count as "next": three refresher runs (every 5 minutes) fit in it. */
export const REFRESH_HORIZON_MS = 15 * 60_000;
/** An access token must outlive its post's due time by this much (time to publish, a retry). */
export const ACCESS_MARGIN_MS = 5 * 60_000;
/** A session is renewed this long before its refresh token would die of inactivity. */
export const INACTIVITY_MARGIN_MS = 24 * 3600_000;

export const clientKindOf = (clientId: string): ClientKind => (new URL(clientId).hostname === 'localhost' ? 'loopback' : 'confidential');

export type RefreshReason = 'access-expiring' | 'inactivity';

/**
 * Whether the token refresher should renew a session now, and why:
 * - its access token ends before its next post (due within the horizon) is safely out, so the
 *   publisher would have to refresh at the very moment it should publish;
 * - or its refresh token would die of inactivity before its last scheduled post, and that limit
 *   is now less than a day away.
 * A session with nothing scheduled is left alone: refreshing it would only keep it alive for nothing.
 */
export function refreshReason(input: {
  clientKind: ClientKind;
  accessExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  createdAt: Date;
  nextDueAt: Date | null;
  lastDueAt: Date | null;
  now: Date;
}): RefreshReason | undefined {
  const now = input.now.getTime();
  if (input.nextDueAt && input.nextDueAt.getTime() <= now + REFRESH_HORIZON_MS) {
    const mustLastUntil = Math.max(input.nextDueAt.getTime(), now) + ACCESS_MARGIN_MS;
    if (!input.accessExpiresAt || input.accessExpiresAt.getTime() < mustLastUntil) return 'access-expiring';
  }
  if (input.lastDueAt) {
    const idleDeadline = (input.lastRefreshAt ?? input.createdAt).getTime() + SESSION_LIMITS[input.clientKind].inactivityMs;
    if (idleDeadline < input.lastDueAt.getTime() + ACCESS_MARGIN_MS && now >= idleDeadline - INACTIVITY_MARGIN_MS) return 'inactivity';
  }
  return undefined;
}

/**
 * When a session ends for good whatever we do (public clients: two weeks after login), if that is
 * before the account's last scheduled post; the user must log in again before then.
 */
export function sessionEndsBefore(input: { clientKind: ClientKind; createdAt: Date; lastDueAt: Date | null }): Date | undefined {
  if (!input.lastDueAt) return undefined;
  const end = input.createdAt.getTime() + SESSION_LIMITS[input.clientKind].maxAgeMs;
  return end < input.lastDueAt.getTime() ? new Date(end) : undefined;
}
