import {
  isTooLate,
  type LatePolicy,
  MAX_ABANDONED_ATTEMPTS,
  REQUEUE_PUBLISHING_AFTER_LEASE_MS,
  REQUEUE_QUEUED_AFTER_MS,
} from '@chronopost/core';
import { and, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { posts } from '../schema';
import { abandonOpenAttempts, acceptedBy, bump, CRASHED, noticePosts } from './shared';

export interface ClaimedPost {
  id: string;
  ownerDid: string;
  /** What the post was before the claim. */
  fromStatus: 'scheduled' | 'retrying' | 'queued' | 'publishing';
  attempts: number;
  scheduledAt: Date;
  /** When it is due now: its scheduled time, or its retry time. */
  dueAt: Date;
  /** Images the publisher will upload for it (its message arrives that much earlier, core `earlyDeliveryMs`). */
  uploads: number;
}

type DueRow = {
  id: string;
  owner_did: string;
  status: ClaimedPost['fromStatus'];
  attempts: number;
  scheduled_at: string | Date;
  next_attempt_at: string | Date;
  late_policy: LatePolicy;
  late_grace_seconds: number;
  uploads: number;
};

/**
 * The images a post's items carry (image and quote-with-images embeds, link-card thumbnails), for
 * `uploads`: one index lookup of its items per claimed post.
 */
const uploadsColumn = sql`(
  SELECT coalesce(sum(
    CASE WHEN jsonb_typeof(i.embed -> 'images') = 'array' THEN jsonb_array_length(i.embed -> 'images') ELSE 0 END
    + CASE WHEN i.embed ? 'thumbMediaId' THEN 1 ELSE 0 END), 0)::int
  FROM post_items i WHERE i.post_id = posts.id) AS uploads`;

const toClaimed = (row: DueRow): ClaimedPost => ({
  id: row.id,
  ownerDid: row.owner_did,
  fromStatus: row.status,
  attempts: row.attempts,
  scheduledAt: new Date(row.scheduled_at),
  dueAt: new Date(row.next_attempt_at),
  uploads: row.uploads,
});

/** Sends one message per post; returns the ids whose message the queue accepted. */
export type SendMessages = (posts: ClaimedPost[]) => Promise<Set<string>>;

/** `miss`: posts later than their late policy allows, never published; the user is told. */
export async function markMissed(db: Pick<Database, 'update' | 'execute'>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const missed = await db
    .update(posts)
    .set({ status: 'missed', nextAttemptAt: null, lastErrorCode: 'missed_while_down', lastErrorParams: {}, lastErrorClass: null, ...bump })
    .where(and(inArray(posts.id, ids), acceptedBy('miss')))
    .returning({ id: posts.id });
  await noticePosts(
    db,
    missed.map((row) => row.id),
    'post_missed',
  );
}

/**
 * Claims what falls due by `until`, in one transaction: the due rows are locked with `FOR UPDATE
 * SKIP LOCKED` (a second dispatcher ticking at the same moment skips them, so every post is queued
 * once), posts already later than their late policy allows become `missed`, and the rest are
 * sent, then marked `queued` — only those whose message the queue accepted. The send happens
 * before the commit: a crash in between leaves the posts due (the next tick sends again, and the
 * publisher ignores a message whose post is not `queued`), never `queued` without a message.
 */
export async function claimDuePosts(
  db: Database,
  options: { until: Date; now: Date; limit: number; /** Only these posts (the API dispatching a post due soon). */ ids?: string[] },
  send: SendMessages,
): Promise<{ queued: ClaimedPost[]; missed: ClaimedPost[]; unsent: ClaimedPost[] }> {
  if (options.ids?.length === 0) return { queued: [], missed: [], unsent: [] };
  return db.transaction(async (tx) => {
    const only = options.ids
      ? sql`AND id IN (${sql.join(
          options.ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
    const due = await tx.execute<DueRow>(sql`
      SELECT id, owner_did, status, attempts, scheduled_at, next_attempt_at, late_policy, late_grace_seconds, ${uploadsColumn}
      FROM posts
      WHERE ${acceptedBy('queue')} AND next_attempt_at <= ${options.until} ${only}
      ORDER BY next_attempt_at
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED`);
    const toSend: ClaimedPost[] = [];
    const missed: ClaimedPost[] = [];
    for (const row of due.rows) {
      const late = isTooLate({
        scheduledAt: new Date(row.scheduled_at),
        now: options.now,
        latePolicy: row.late_policy,
        graceSeconds: row.late_grace_seconds,
      });
      (late ? missed : toSend).push(toClaimed(row));
    }
    await markMissed(
      tx,
      missed.map((post) => post.id),
    );
    const sent = toSend.length ? await send(toSend) : new Set<string>();
    const queued = toSend.filter((post) => sent.has(post.id));
    if (queued.length) {
      await tx
        .update(posts)
        // An overdue post is due from now on: the reaper measures a lost message from here.
        .set({ status: 'queued', nextAttemptAt: sql`greatest(${posts.nextAttemptAt}, ${options.now})`, ...bump })
        .where(
          and(
            inArray(
              posts.id,
              queued.map((post) => post.id),
            ),
            acceptedBy('queue'),
          ),
        );
    }
    return { queued, missed, unsent: toSend.filter((post) => !sent.has(post.id)) };
  });
}

/**
 * Work that went astray: `queued` posts whose message should have been delivered long ago (a lost
 * message), and `publishing` posts whose publisher's lease ran out a while ago without its
 * message's redelivery taking over. They go back to `queued` with a new message (the publisher
 * checks what an earlier attempt already wrote); a post whose publishers died too often fails.
 */
export async function reapStuckPosts(
  db: Database,
  options: {
    now: Date;
    limit: number;
    /**
     * Every `queued` and `publishing` post, however recent: for a runtime that restarts with an
     * empty queue of its own and no publisher of its previous run alive (the local runtime).
     */
    all?: boolean;
  },
  send: SendMessages,
): Promise<{ requeued: ClaimedPost[]; crashed: ClaimedPost[] }> {
  const never = new Date(8.64e15);
  const queuedDeadline = options.all ? never : new Date(options.now.getTime() - REQUEUE_QUEUED_AFTER_MS);
  const leaseDeadline = options.all ? never : new Date(options.now.getTime() - REQUEUE_PUBLISHING_AFTER_LEASE_MS);
  return db.transaction(async (tx) => {
    const stuck = await tx.execute<DueRow & { abandoned: number }>(sql`
      SELECT id, owner_did, status, attempts, scheduled_at, next_attempt_at, late_policy, late_grace_seconds, ${uploadsColumn},
        (SELECT count(*)::int FROM publish_attempts a WHERE a.post_id = posts.id AND (a.outcome = 'abandoned' OR a.finished_at IS NULL)) AS abandoned
      FROM posts
      WHERE ${acceptedBy('reap')}
        AND ((status = ${'queued'} AND next_attempt_at < ${queuedDeadline}) OR (status = ${'publishing'} AND lease_expires_at < ${leaseDeadline}))
      ORDER BY next_attempt_at
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED`);
    if (stuck.rows.length === 0) return { requeued: [], crashed: [] };
    const ids = stuck.rows.map((row) => row.id);
    // An attempt that never finished was cut short: its publisher died.
    await abandonOpenAttempts(tx, ids);
    const crashed = stuck.rows.filter((row) => row.abandoned >= MAX_ABANDONED_ATTEMPTS).map(toClaimed);
    if (crashed.length) {
      const ids = crashed.map((post) => post.id);
      await tx
        .update(posts)
        .set({ ...CRASHED, ...bump })
        .where(and(inArray(posts.id, ids), acceptedBy('reap')));
      await noticePosts(tx, ids, 'post_failed');
    }
    const candidates = stuck.rows.filter((row) => row.abandoned < MAX_ABANDONED_ATTEMPTS).map(toClaimed);
    const sent = candidates.length ? await send(candidates) : new Set<string>();
    const requeued = candidates.filter((post) => sent.has(post.id));
    if (requeued.length) {
      await tx
        .update(posts)
        // Due now (or still at its time, if that is to come): the next reaping is measured from here.
        .set({ status: 'queued', nextAttemptAt: sql`greatest(${posts.nextAttemptAt}, ${options.now})`, leaseExpiresAt: null, ...bump })
        .where(
          and(
            inArray(
              posts.id,
              requeued.map((post) => post.id),
            ),
            acceptedBy('reap'),
          ),
        );
    }
    return { requeued, crashed };
  });
}

/**
 * `crash`: a post whose message reached the dead-letter queue (the publisher kept failing on it).
 * Not while a publisher still holds it (its lease is live): that one decides.
 */
export async function markCrashed(db: Database, postId: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const failed = await tx
      .update(posts)
      .set({ ...CRASHED, ...bump })
      .where(
        and(sql`${posts.id} = ${postId}`, acceptedBy('crash'), sql`(${posts.status} = ${'queued'} OR ${posts.leaseExpiresAt} < ${now})`),
      )
      .returning({ id: posts.id });
    await noticePosts(
      tx,
      failed.map((row) => row.id),
      'post_failed',
    );
    return failed.length > 0;
  });
}

/** Posts that failed by crashing (the dead-letter queue), for a redrive: ids, oldest first. */
export async function listCrashedPosts(db: Database, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(
    sql`SELECT id FROM posts WHERE ${acceptedBy('redrive')} AND last_error_class = ${CRASHED.lastErrorClass} ORDER BY updated_at LIMIT ${limit}`,
  );
  return result.rows.map((row) => row.id);
}

/**
 * Puts crashed posts back in the queue for a redrive, in one transaction with their messages
 * (sent before the commit, as the dispatcher does). Returns those requeued.
 */
export async function requeueCrashed(db: Database, postIds: string[], send: SendMessages): Promise<ClaimedPost[]> {
  if (postIds.length === 0) return [];
  return db.transaction(async (tx) => {
    const rows = await tx.execute<DueRow>(sql`
      SELECT id, owner_did, status, attempts, scheduled_at, coalesce(next_attempt_at, scheduled_at) AS next_attempt_at, late_policy, late_grace_seconds,
        ${uploadsColumn}
      FROM posts
      WHERE id IN (${sql.join(
        postIds.map((id) => sql`${id}`),
        sql`, `,
      )}) AND ${acceptedBy('redrive')} AND last_error_class = ${CRASHED.lastErrorClass}
      FOR UPDATE`);
    const candidates = rows.rows.map(toClaimed);
    const sent = candidates.length ? await send(candidates) : new Set<string>();
    const requeued = candidates.filter((post) => sent.has(post.id));
    if (requeued.length) {
      await tx
        .update(posts)
        .set({
          status: 'queued',
          nextAttemptAt: sql`coalesce(${posts.nextAttemptAt}, ${posts.scheduledAt})`,
          lastErrorCode: null,
          lastErrorParams: null,
          lastErrorClass: null,
          ...bump,
        })
        .where(
          and(
            inArray(
              posts.id,
              requeued.map((post) => post.id),
            ),
            acceptedBy('redrive'),
          ),
        );
    }
    return requeued;
  });
}
