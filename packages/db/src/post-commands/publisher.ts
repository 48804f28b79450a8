import { type AttemptOutcome, MAX_ABANDONED_ATTEMPTS, type PostStatus, type PublishErrorClass, type VideoPath } from '@chronopost/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { media, postItems, posts, publishAttempts } from '../schema';
import { findPost, type PostWithItems } from '../repositories/posts';
import { abandonOpenAttempts, acceptedBy, bump, CRASHED, noticePosts } from './shared';

/** A claimed post: this publisher holds it until its lease runs out; `attempt` identifies the claim. */
export interface Claim {
  post: PostWithItems;
  attempt: number;
  /** Whether an earlier holder's lease had run out (it died): its work may have reached the PDS. */
  tookOver: boolean;
}

export type ClaimResult =
  | { claimed: true; claim: Claim }
  /** Not claimable: a duplicate delivery, a post already over, or one another publisher holds. */
  | { claimed: false; status: PostStatus | undefined; leaseLive: boolean }
  /** Taken over once too often: the post is now `failed` with class `crash`. */
  | { claimed: false; status: 'failed'; crashed: true };

/**
 * `queued → publishing` in one conditional UPDATE, counting the attempt and taking a lease until
 * `leaseUntil`. A `publishing` post whose lease has run out by `now` is taken over the same way:
 * its holder died (a Lambda past its timeout is gone). Anything else is not claimed. Times are the
 * services' clock, as for every scheduling decision (the database's clock only stamps rows).
 */
export async function claimForPublishing(db: Database, postId: string, lease: { now: Date; until: Date }): Promise<ClaimResult> {
  const claimed = await db.execute<{ owner_did: string; attempts: number; previous: PostStatus }>(sql`
    WITH target AS (
      SELECT id, status AS previous FROM posts
      WHERE id = ${postId} AND ${acceptedBy('claim')} AND (status = ${'queued'} OR lease_expires_at < ${lease.now})
      FOR UPDATE
    )
    UPDATE posts SET status = 'publishing', attempts = posts.attempts + 1, lease_expires_at = ${lease.until},
      version = posts.version + 1, updated_at = now()
    FROM target WHERE posts.id = target.id
    RETURNING posts.owner_did, posts.attempts, target.previous`);
  const row = claimed.rows[0];
  if (!row) {
    const current = await db.execute<{ status: PostStatus; lease_live: boolean | null }>(
      sql`SELECT status, lease_expires_at >= ${lease.now} AS lease_live FROM posts WHERE id = ${postId}`,
    );
    const post = current.rows[0];
    return { claimed: false, status: post?.status, leaseLive: post?.status === 'publishing' && post.lease_live === true };
  }
  const tookOver = row.previous === 'publishing';
  if (tookOver) {
    const abandoned = await abandonUnfinishedAttempts(db, postId);
    if (abandoned >= MAX_ABANDONED_ATTEMPTS) {
      await markCrashedWhilePublishing(db, postId, row.attempts);
      return { claimed: false, status: 'failed', crashed: true };
    }
  }
  const post = await findPost(db, row.owner_did, postId);
  if (!post) return { claimed: false, status: undefined, leaseLive: false };
  return { claimed: true, claim: { post, attempt: row.attempts, tookOver } };
}

/** Closes the attempts a dead publisher left open; returns how many attempts of the post were abandoned so far. */
async function abandonUnfinishedAttempts(db: Database, postId: string): Promise<number> {
  await abandonOpenAttempts(db, [postId]);
  const counted = await db.execute<{ abandoned: number }>(
    sql`SELECT count(*)::int AS abandoned FROM publish_attempts WHERE post_id = ${postId} AND outcome = 'abandoned'`,
  );
  return counted.rows[0]?.abandoned ?? 0;
}

async function markCrashedWhilePublishing(db: Database, postId: string, attempt: number): Promise<void> {
  await db.transaction(async (tx) => {
    const failed = await tx
      .update(posts)
      .set({ ...CRASHED, ...bump })
      .where(held(postId, attempt, 'claim'))
      .returning({ id: posts.id });
    await noticePosts(
      tx,
      failed.map((row) => row.id),
      'post_failed',
    );
  });
}

export async function startAttempt(db: Database, postId: string, attempt: number): Promise<number> {
  const [row] = await db.insert(publishAttempts).values({ postId, attempt }).returning({ id: publishAttempts.id });
  return row!.id;
}

/** Why an attempt or a post ended so: a code of the message catalogue and its params. */
export interface Reason {
  code: string;
  params?: Record<string, unknown> | undefined;
}

export async function finishAttempt(
  db: Database,
  attemptId: number,
  result: {
    outcome: AttemptOutcome;
    errorClass?: PublishErrorClass | undefined;
    reason?: Reason | undefined;
    latencyMs: number;
    videoPath?: VideoPath | undefined;
    writeSentAt?: Date | undefined;
  },
): Promise<void> {
  await db
    .update(publishAttempts)
    .set({
      finishedAt: sql`now()`,
      outcome: result.outcome,
      errorClass: result.errorClass ?? null,
      reasonCode: result.reason?.code ?? null,
      reasonParams: result.reason ? (result.reason.params ?? {}) : null,
      latencyMs: result.latencyMs,
      videoPath: result.videoPath ?? null,
      writeSentAt: result.writeSentAt ?? null,
    })
    .where(eq(publishAttempts.id, attemptId));
}

/**
 * The holder's condition: still `publishing` under the claim it made (no one took it over since).
 * `publishing` is the one status `command` (finish, fail) accepts after a claim.
 */
const held = (postId: string, attempt: number, command: 'finish' | 'fail' | 'claim') =>
  and(eq(posts.id, postId), acceptedBy(command), eq(posts.status, 'publishing'), eq(posts.attempts, attempt));

/** `publishing → published`, with each item's record. False if the claim was lost meanwhile. */
export async function markPublished(
  db: Database,
  claim: { postId: string; attempt: number },
  records: Array<{ uri: string; cid: string | null }>,
  publishedAt: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(posts)
      .set({
        status: 'published',
        publishedAt,
        nextAttemptAt: null,
        leaseExpiresAt: null,
        lastErrorCode: null,
        lastErrorParams: null,
        lastErrorClass: null,
        ...bump,
      })
      .where(held(claim.postId, claim.attempt, 'finish'))
      .returning({ id: posts.id });
    if (!row) return false;
    for (const [position, record] of records.entries()) {
      await tx
        .update(postItems)
        .set({ uri: record.uri, cid: record.cid })
        .where(and(eq(postItems.postId, claim.postId), eq(postItems.position, position)));
    }
    return true;
  });
}

const NOTICE = { failed: 'post_failed', blocked: 'post_blocked', missed: 'post_missed' } as const;

/**
 * `fail`: ends an attempt that did not publish — `retrying` at a time, or `failed`, `blocked`,
 * `missed`, which the user is told about in the same transaction.
 */
export async function markNotPublished(
  db: Database,
  claim: { postId: string; attempt: number },
  outcome: { status: 'retrying'; at: Date } | { status: 'failed' | 'blocked' | 'missed' },
  error: { reason: Reason; errorClass?: PublishErrorClass | undefined },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(posts)
      .set({
        status: outcome.status,
        nextAttemptAt: outcome.status === 'retrying' ? outcome.at : null,
        leaseExpiresAt: null,
        lastErrorCode: error.reason.code,
        lastErrorParams: error.reason.params ?? {},
        lastErrorClass: error.errorClass ?? null,
        ...bump,
      })
      .where(held(claim.postId, claim.attempt, 'fail'))
      .returning({ id: posts.id });
    if (row && outcome.status !== 'retrying') await noticePosts(tx, [row.id], NOTICE[outcome.status]);
    return Boolean(row);
  });
}

/** The media a post's images refer to, for upload at publish time. */
export async function findMediaForUpload(db: Database, ownerDid: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: media.id,
      processedKey: media.processedKey,
      state: media.state,
      mime: media.mime,
      bytes: media.bytes,
      width: media.width,
      height: media.height,
      kind: media.kind,
      captions: media.captions,
    })
    .from(media)
    .where(and(eq(media.ownerDid, ownerDid), inArray(media.id, ids)));
}
