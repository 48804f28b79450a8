import type { SessionEndCause } from '@chronopost/core';
import { classifySessionEnd, type ClientKind } from '@chronopost/core';
import { type Database, describeOauthSession, endOauthSession, endSessionAndBlockPosts } from '@chronopost/db';

export interface SessionEnded {
  state: 'expired' | 'revoked';
  reason: string;
  blockedPosts: number;
}

/**
 * What ending a session means for the account, whichever process noticed: the row ends (its
 * secrets wiped), and — unless we revoked it ourselves — the account's waiting posts are held
 * (`blocked`) and the user is told once, in one transaction (see endSessionAndBlockPosts).
 */
export function onSessionDeleted(deps: {
  db: Database;
  clientKind: ClientKind;
  now: () => Date;
  /** Told after the fact (for the service's log). */
  onEnded?: (did: string, ended: SessionEnded) => void | Promise<void>;
}): (did: string, cause: SessionEndCause) => Promise<void> {
  return async (did, cause) => {
    const row = await describeOauthSession(deps.db, did);
    if (!row) return;
    const outcome = classifySessionEnd({
      cause,
      clientKind: deps.clientKind,
      createdAt: row.createdAt,
      lastRefreshAt: row.lastRefreshAt,
      now: deps.now(),
    });
    if (cause === 'revoked-by-us') {
      // Our own revocation: a logout (which holds the posts itself) or a new login replacing
      // this session (the library revokes the old one first): nothing to hold, nothing to tell.
      await endOauthSession(deps.db, did, outcome.state, outcome.reason);
      await deps.onEnded?.(did, { ...outcome, blockedPosts: 0 });
      return;
    }
    const { blocked } = await endSessionAndBlockPosts(deps.db, did, outcome);
    await deps.onEnded?.(did, { ...outcome, blockedPosts: blocked.length });
  };
}
