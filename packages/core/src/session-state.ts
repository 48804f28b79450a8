/**
 * The stored OAuth session of an account: `active → expired | revoked`, and a new login makes an
 * ended one `active` again. Refreshes need no state of their own: the OAuth client refreshes under
 * a distributed lock, and a refresh that fails part-way leaves the session `active`, so the token
 * refresher tries it again on its next run.
 */
export const SESSION_STATES = ['active', 'expired', 'revoked'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** A session that can still be used (its sealed tokens are kept). */
export const LIVE_SESSION_STATES = ['active'] as const satisfies readonly SessionState[];
/** A session that is over (its secrets are wiped; the reason is kept for the user). */
export const ENDED_SESSION_STATES = ['expired', 'revoked'] as const satisfies readonly SessionState[];

const TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  active: ['expired', 'revoked'],
  // A new login replaces an ended session with a fresh active one; our own logout may re-label an expiry.
  expired: ['active', 'revoked'],
  revoked: ['active'],
};

export const canTransitionSession = (from: SessionState, to: SessionState): boolean => TRANSITIONS[from].includes(to);
