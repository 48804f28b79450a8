import { ENDED_SESSION_STATES, type PostStatus } from '@chronopost/core';
import { inArray, type SQL, sql } from 'drizzle-orm';
import { oauthSessions, posts } from '../schema';
import { mediaInUse, storedObjectKeys } from './media';
import type { Database } from '../connection';

export interface RetentionPolicy {
  /** Sessions that ended (`expired`, `revoked`) longer ago than this are deleted. */
  endedSessionsDays: number;
  /** Published posts, by publication time. */
  publishedPostsDays: number;
  /** Failed posts, by the time they failed. */
  failedPostsDays: number;
  /** Missed posts (too late for their late policy), by the time they were missed. */
  missedPostsDays: number;
  /** Cancelled (deleted by their author) posts, by the time they were cancelled. */
  cancelledPostsDays: number;
  /** Uploads no post refers to, once older than this (a fresh upload is not attached yet). */
  orphanMediaHours: number;
  /** Notifications the user has read or dismissed, counted from the first of the two. */
  seenNotificationsDays: number;
  /** Notifications never read nor dismissed, counted from their creation. */
  unseenNotificationsDays: number;
}

export interface RetentionReport {
  dryRun: boolean;
  endedSessions: number;
  publishedPosts: number;
  failedPosts: number;
  missedPosts: number;
  cancelledPosts: number;
  /** Attempts of the deleted posts (they go with their post). */
  attempts: number;
  media: number;
  /** The storage keys of the deleted media, for the caller to delete from S3. */
  mediaKeys: string[];
  /** Notifications about deleted posts, and seen or unseen ones past their period. */
  notifications: number;
}

/**
 * The statuses retention deletes, each with the period that applies and the time it counts from.
 * Every other status is a post still to be published or acted on (a draft, a held post), kept as
 * long as its author keeps it. `updated_at` is when the post reached the status: nothing changes
 * a post in these statuses but a command that moves it out of them.
 */
const RETAINED = {
  published: { since: posts.publishedAt, days: (policy) => policy.publishedPostsDays },
  failed: { since: posts.updatedAt, days: (policy) => policy.failedPostsDays },
  missed: { since: posts.updatedAt, days: (policy) => policy.missedPostsDays },
  cancelled: { since: posts.updatedAt, days: (policy) => policy.cancelledPostsDays },
} as const satisfies Partial<
  Record<PostStatus, { since: typeof posts.updatedAt | typeof posts.publishedAt; days: (policy: RetentionPolicy) => number }>
>;
const RETAINED_STATUSES = Object.keys(RETAINED) as Array<keyof typeof RETAINED>;

class DryRun extends Error {
  constructor(readonly report: RetentionReport) {
    super('dry run');
  }
}

/**
 * Deletes what the retention policy says has been kept long enough, in one transaction. A dry
 * run executes exactly the same statements and rolls back, so what it reports is what a real
 * run at that moment would delete.
 */
export async function applyRetention(
  db: Database,
  policy: RetentionPolicy,
  now: Date,
  options: { dryRun: boolean },
): Promise<RetentionReport> {
  const before = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);
  try {
    return await db.transaction(async (tx) => {
      const sessions = await tx.execute(sql`
        DELETE FROM oauth_sessions WHERE ${inArray(oauthSessions.state, [...ENDED_SESSION_STATES])} AND ended_at < ${before(policy.endedSessionsDays)}`);
      const expired: SQL[] = RETAINED_STATUSES.map(
        (status) => sql`(${posts.status} = ${status} AND ${RETAINED[status].since} < ${before(RETAINED[status].days(policy))})`,
      );
      // The attempts CTE reads the snapshot before the cascade, so it counts what goes with the posts
      // (their items and attempts go by the foreign keys' cascade).
      const deleted = await tx.execute<{ status: PostStatus; posts: number; attempts: number }>(sql`
        WITH doomed AS (
          DELETE FROM posts WHERE ${sql.join(expired, sql` OR `)} RETURNING id, status
        )
        SELECT d.status, count(DISTINCT d.id)::int AS posts, count(a.id)::int AS attempts
        FROM doomed d LEFT JOIN publish_attempts a ON a.post_id = d.id
        GROUP BY d.status`);
      const count = (status: PostStatus) => deleted.rows.find((row) => row.status === status)?.posts ?? 0;
      // After the posts: media only they referred to is orphaned now too.
      const media = await tx.execute<{ s3_key: string; processed_key: string | null }>(sql`
        DELETE FROM media m
        WHERE m.created_at < ${before(policy.orphanMediaHours / 24)}
          AND NOT ${mediaInUse('m')}
        RETURNING m.s3_key, m.processed_key`);
      // After the posts too: a notification about a post goes with it (it would open a post that
      // is gone), as do those about posts deleted earlier. The post id is in the params (jsonb),
      // so this is an anti-join on the text of the id, not a foreign key.
      const notices = await tx.execute(sql`
        DELETE FROM notifications n
        WHERE (n.details ? 'postId' AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id::text = n.details->>'postId'))
           OR LEAST(n.read_at, n.dismissed_at) < ${before(policy.seenNotificationsDays)}
           OR (n.read_at IS NULL AND n.dismissed_at IS NULL AND n.created_at < ${before(policy.unseenNotificationsDays)})`);
      const report: RetentionReport = {
        dryRun: options.dryRun,
        endedSessions: sessions.rowCount ?? 0,
        publishedPosts: count('published'),
        failedPosts: count('failed'),
        missedPosts: count('missed'),
        cancelledPosts: count('cancelled'),
        attempts: deleted.rows.reduce((sum, row) => sum + row.attempts, 0),
        media: media.rows.length,
        mediaKeys: media.rows.flatMap((row) => storedObjectKeys(row)),
        notifications: notices.rowCount ?? 0,
      };
      if (options.dryRun) throw new DryRun(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.report;
    throw error;
  }
}
