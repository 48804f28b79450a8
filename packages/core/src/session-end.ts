/**
 * How long AT Protocol OAuth sessions live on Bluesky's PDS: public (loopback) clients get two
 * weeks; confidential clients up to two years, ended by three months without a refresh.
 */
export const SESSION_LIMITS = {
  loopback: { maxAgeMs: 14 * 24 * 3600_000, inactivityMs: 14 * 24 * 3600_000 },
  confidential: { maxAgeMs: 2 * 365 * 24 * 3600_000, inactivityMs: 90 * 24 * 3600_000 },
} as const;
export type ClientKind = keyof typeof SESSION_LIMITS;

/** Why the OAuth client gave a session up, in our terms. */
export type SessionEndCause =
  /** We revoked it ourselves (logout). */
  | 'revoked-by-us'
  /** The authorization server refused the refresh token (`invalid_grant`). */
  | 'refresh-rejected'
  /** Anything else the client cannot recover from. */
  | 'unusable';

/** Why a session ended, as a code of the message catalogue (shared-schemas/messages/sessions). */
export type SessionEndReason = 'logged_out' | 'session_expired' | 'session_revoked' | 'session_unusable';

/**
 * Turns a session's end into a state and the reason to tell the user. A refused refresh token is
 * `expired` when the session outlived the server's limits, otherwise someone `revoked` it
 * (the user, in their Bluesky settings, or the server).
 */
export function classifySessionEnd(input: {
  cause: SessionEndCause;
  clientKind: ClientKind;
  createdAt: Date;
  lastRefreshAt: Date | null;
  now: Date;
}): { state: 'expired' | 'revoked'; reason: SessionEndReason } {
  const limits = SESSION_LIMITS[input.clientKind];
  const age = input.now.getTime() - input.createdAt.getTime();
  const idle = input.now.getTime() - (input.lastRefreshAt ?? input.createdAt).getTime();
  switch (input.cause) {
    case 'revoked-by-us':
      return { state: 'revoked', reason: 'logged_out' };
    case 'refresh-rejected':
      if (age >= limits.maxAgeMs || idle >= limits.inactivityMs) {
        return { state: 'expired', reason: 'session_expired' };
      }
      return { state: 'revoked', reason: 'session_revoked' };
    case 'unusable':
      return { state: 'expired', reason: 'session_unusable' };
  }
}
