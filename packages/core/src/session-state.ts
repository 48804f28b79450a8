/**
 * The stored OAuth session of an account: `active ↔ refreshing → expired | revoked`.
 * Refresh tokens are single-use, so `refreshing` marks the one holder of the lock.
 */
export const SESSION_STATES = ['active', 'refreshing', 'expired', 'revoked'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

const TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  active: ['refreshing', 'expired', 'revoked'],
  refreshing: ['active', 'expired', 'revoked'],
  // A new login replaces an ended session with a fresh active one.
  expired: ['active'],
  revoked: ['active'],
};

export const canTransitionSession = (from: SessionState, to: SessionState): boolean => TRANSITIONS[from].includes(to);
