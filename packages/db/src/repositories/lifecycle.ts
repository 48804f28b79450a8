import { AWAITING_STATUSES, BLOCKING_CLASSES, isTooLate, type SessionEndReason, type SessionState } from '@chronopost/core';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { oauthSessions, posts } from '../schema';
import { markMissed } from './dispatch';
import { notify } from './notifications';
import { endOauthSession } from './oauth-sessions';
import { acceptedBy } from './post-commands';

const bump = sql`${posts.version} + 1`;

/** How many of the account's posts are held because of its session. */
export async function countSessionBlockedPosts(db: Database, did: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${posts} WHERE owner_did = ${did} AND ${acceptedBy('resume')} AND last_error_class = ${'session_ended'}`);
  return rows[0]?.n ?? 0;
}

/** Holds every post of the account that waits for publication (`blocked`, with the reason). */
async function blockPendingPosts(db: Pick<Database, 'update'>, did: string, reason: SessionEndReason): Promise<string[]> {
  const blocked = await db
    .update(posts)
    .set({
      status: 'blocked',
      nextAttemptAt: null,
      lastErrorCode: reason,
      lastErrorParams: {},
      lastErrorClass: 'session_ended',
      version: bump,
      updatedAt: sql`now()`,
    })
    .where(and(eq(posts.ownerDid, did), acceptedBy('hold')))
    .returning({ id: posts.id });
  return blocked.map((row) => row.id);
}

/**
 * The user logged out: Chronopost can no longer publish for them, so their waiting posts are held
 * and they are told (the session row itself is deleted by the caller).
 */
export async function holdPostsAfterLogout(db: Database, did: string, now: Date): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids = await blockPendingPosts(tx, did, 'logged_out');
    if (ids.length) {
      await notify(tx, {
        ownerDid: did,
        kind: 'session_ended',
        details: { state: 'logged_out', reason: 'logged_out', blockedPosts: ids.length },
        dedupeKey: `logout:${now.toISOString()}`,
      });
    }
    return ids;
  });
}

/**
 * A session has ended (`expired` or `revoked`): end it (wiping its secrets) if it is still live,
 * hold every post of the account that waits for publication (`blocked`, with the reason), and
 * tell the user once. Safe to call from every process that notices: the posts are blocked and
 * the user notified once per ending.
 */
export async function endSessionAndBlockPosts(
  db: Database,
  did: string,
  outcome: { state: Extract<SessionState, 'expired' | 'revoked'>; reason: SessionEndReason },
): Promise<{ blocked: string[]; notified: boolean }> {
  return db.transaction(async (tx) => {
    await endOauthSession(tx, did, outcome.state, outcome.reason);
    const [session] = await tx
      .select({ state: oauthSessions.state, endedAt: oauthSessions.endedAt })
      .from(oauthSessions)
      .where(eq(oauthSessions.did, did));
    if (!session || (session.state !== 'expired' && session.state !== 'revoked')) return { blocked: [], notified: false };
    const ids = await blockPendingPosts(tx, did, outcome.reason);
    const notified = await notify(tx, {
      ownerDid: did,
      kind: 'session_ended',
      details: { state: session.state, reason: outcome.reason, blockedPosts: ids.length },
      dedupeKey: `session_ended:${session.endedAt?.toISOString() ?? 'unknown'}`,
    });
    return { blocked: ids, notified };
  });
}

/**
 * After a new login: posts held back because of the session go back to the schedule — at their
 * time, or at once if it has passed — unless they are now later than their late policy allows
 * (then `missed`, as after any outage). Tells the user what happened to them.
 */
export async function resumeBlockedPosts(db: Database, did: string, now: Date): Promise<{ resumed: string[]; missed: string[] }> {
  return db.transaction(async (tx) => {
    const held = await tx
      .select({ id: posts.id, scheduledAt: posts.scheduledAt, latePolicy: posts.latePolicy, graceSeconds: posts.lateGraceSeconds })
      .from(posts)
      .where(
        and(
          eq(posts.ownerDid, did),
          acceptedBy('resume'),
          isNotNull(posts.scheduledAt),
          inArray(posts.lastErrorClass, [...BLOCKING_CLASSES]),
        ),
      )
      .for('update');
    const resumed: string[] = [];
    const missed: string[] = [];
    for (const row of held) {
      (isTooLate({ ...row, scheduledAt: row.scheduledAt!, now }) ? missed : resumed).push(row.id);
    }
    if (resumed.length) {
      await tx
        .update(posts)
        .set({
          status: 'scheduled',
          nextAttemptAt: sql`greatest(${posts.scheduledAt}, ${now})`,
          lastErrorCode: null,
          lastErrorParams: null,
          lastErrorClass: null,
          version: bump,
          updatedAt: sql`now()`,
        })
        .where(inArray(posts.id, resumed));
    }
    await markMissed(tx, missed);
    if (resumed.length || missed.length) {
      await notify(tx, {
        ownerDid: did,
        kind: 'posts_resumed',
        details: { resumed: resumed.length, missed: missed.length },
        dedupeKey: `posts_resumed:${now.toISOString()}`,
      });
    }
    return { resumed, missed };
  });
}

export interface RefreshCandidate {
  did: string;
  clientId: string;
  accessExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  createdAt: Date;
  /** The earliest due time of the account's waiting posts. */
  nextDueAt: Date | null;
  /** The latest one. */
  lastDueAt: Date | null;
}

/**
 * Live sessions of accounts with posts waiting, with when those posts are due: what the token
 * refresher decides on. Accounts with nothing scheduled are not read at all.
 */
export async function listSessionsWithPendingPosts(
  db: Database,
  options: { limit: number; afterDid?: string },
): Promise<RefreshCandidate[]> {
  const rows = await db.execute<{
    did: string;
    client_id: string;
    access_expires_at: string | Date | null;
    last_refresh_at: string | Date | null;
    created_at: string | Date;
    next_due: string | Date | null;
    last_due: string | Date | null;
  }>(sql`
    SELECT s.did, s.client_id, s.access_expires_at, s.last_refresh_at, s.created_at, p.next_due, p.last_due
    FROM oauth_sessions s
    JOIN LATERAL (
      SELECT min(coalesce(next_attempt_at, scheduled_at)) AS next_due, max(coalesce(next_attempt_at, scheduled_at)) AS last_due
      FROM posts WHERE owner_did = s.did AND ${inArray(posts.status, [...AWAITING_STATUSES])}
    ) p ON p.next_due IS NOT NULL
    WHERE s.state = 'active' ${options.afterDid ? sql`AND s.did > ${options.afterDid}` : sql``}
    ORDER BY s.did
    LIMIT ${options.limit}`);
  const date = (value: string | Date | null) => (value === null ? null : new Date(value));
  return rows.rows.map((row) => ({
    did: row.did,
    clientId: row.client_id,
    accessExpiresAt: date(row.access_expires_at),
    lastRefreshAt: date(row.last_refresh_at),
    createdAt: new Date(row.created_at),
    nextDueAt: date(row.next_due),
    lastDueAt: date(row.last_due),
  }));
}
