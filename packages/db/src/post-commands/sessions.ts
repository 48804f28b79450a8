import { BLOCKING_CLASSES, isTooLate, type SessionEndReason, type SessionState } from '@chronopost/core';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { oauthSessions, posts } from '../schema';
import { notify } from '../repositories/notifications';
import { endOauthSession } from '../repositories/oauth-sessions';
import { markMissed } from './dispatcher';
import { acceptedBy, bump } from './shared';

/**
 * The commands a session's end and a new login run on the account's posts: `hold` (everything
 * waiting becomes `blocked`) and `resume` (held posts go back on the schedule, or are `missed`).
 */

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
      ...bump,
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
          ...bump,
        })
        .where(and(inArray(posts.id, resumed), acceptedBy('resume')));
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
