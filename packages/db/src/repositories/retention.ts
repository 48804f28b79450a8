import { ENDED_SESSION_STATES } from '@chronopost/core';
import { inArray, sql } from 'drizzle-orm';
import { oauthSessions } from '../schema';
import { mediaInUse } from './media';
import type { Database } from '../connection';

export interface RetentionPolicy {
  /** Sessions that ended (`expired`, `revoked`) longer ago than this are deleted. */
  endedSessionsDays: number;
  /** Published posts, by publication time. */
  publishedPostsDays: number;
  /** Failed posts, by the time they failed. */
  failedPostsDays: number;
  /** Uploads no post refers to, once older than this (a fresh upload is not attached yet). */
  orphanMediaHours: number;
}

export interface RetentionReport {
  dryRun: boolean;
  endedSessions: number;
  publishedPosts: number;
  failedPosts: number;
  /** Attempts of the deleted posts (they go with their post). */
  attempts: number;
  media: number;
  /** The storage keys of the deleted media, for the caller to delete from S3. */
  mediaKeys: string[];
}

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
      // The attempts CTE reads the snapshot before the cascade, so it counts what goes with the posts.
      const posts = await tx.execute<{ published: number; failed: number; attempts: number }>(sql`
        WITH doomed AS (
          DELETE FROM posts
          WHERE (status = 'published' AND published_at < ${before(policy.publishedPostsDays)})
             OR (status = 'failed' AND updated_at < ${before(policy.failedPostsDays)})
          RETURNING id, status
        )
        SELECT
          (SELECT count(*) FROM doomed WHERE status = 'published')::int AS published,
          (SELECT count(*) FROM doomed WHERE status = 'failed')::int AS failed,
          (SELECT count(*) FROM publish_attempts a JOIN doomed d ON a.post_id = d.id)::int AS attempts`);
      // After the posts: media only they referred to is orphaned now too.
      const media = await tx.execute<{ s3_key: string; processed_key: string | null }>(sql`
        DELETE FROM media m
        WHERE m.created_at < ${before(policy.orphanMediaHours / 24)}
          AND NOT ${mediaInUse('m')}
        RETURNING m.s3_key, m.processed_key`);
      const counts = posts.rows[0]!;
      const report: RetentionReport = {
        dryRun: options.dryRun,
        endedSessions: sessions.rowCount ?? 0,
        publishedPosts: counts.published,
        failedPosts: counts.failed,
        attempts: counts.attempts,
        media: media.rows.length,
        mediaKeys: media.rows.flatMap((row) => (row.processed_key ? [row.s3_key, row.processed_key] : [row.s3_key])),
      };
      if (options.dryRun) throw new DryRun(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.report;
    throw error;
  }
}
