import { POST_COMMANDS, type PostCommand } from '@chronopost/core';
import { and, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { posts, publishAttempts } from '../schema';

/**
 * What every post command shares: the statuses it accepts as SQL (from packages/core's table, the
 * only list of them), the version bump, and the two steps several commands take — closing the
 * attempts a dead publisher left open, and telling the user about a post that will not go out.
 */

type Tx = Pick<Database, 'update' | 'execute'>;

/** The statuses `command` accepts, as the condition on `posts.status`. */
export const acceptedBy = (command: PostCommand): SQL => inArray(posts.status, [...POST_COMMANDS[command].from]);

/** Every change bumps the version: `If-Match` and `If-None-Match` see system changes too. */
export const bump = { version: sql`${posts.version} + 1`, updatedAt: sql`now()` };

/** The fields of a post failed because its publishers kept dying (the user can retry it). */
export const CRASHED = {
  status: 'failed',
  nextAttemptAt: null,
  leaseExpiresAt: null,
  lastErrorCode: 'publisher_crashed',
  lastErrorParams: {},
  lastErrorClass: 'crash',
} as const;

/** Closes the attempts of these posts that never finished: their publisher died. */
export async function abandonOpenAttempts(db: Tx, postIds: string[]): Promise<void> {
  if (postIds.length === 0) return;
  await db
    .update(publishAttempts)
    .set({ finishedAt: sql`now()`, outcome: 'abandoned', reasonCode: 'publisher_stopped', reasonParams: {} })
    .where(and(inArray(publishAttempts.postId, postIds), isNull(publishAttempts.finishedAt)));
}

/** How a post that will not go out as planned is announced. */
export type PostNotice = 'post_failed' | 'post_missed' | 'post_blocked';

/**
 * Tells each post's owner that it failed, was missed or is held: one notification per post and
 * version (so a retried post that fails again is told again), with the start of its text.
 */
export async function noticePosts(db: Tx, postIds: string[], kind: PostNotice): Promise<void> {
  if (postIds.length === 0) return;
  await db.execute(sql`
    INSERT INTO notifications (owner_did, kind, details, dedupe_key)
    SELECT p.owner_did, ${kind}, jsonb_build_object('postId', p.id, 'excerpt', left(coalesce(i.text, ''), 60)),
      ${kind} || ':' || p.id || ':' || p.version
    FROM posts p LEFT JOIN post_items i ON i.post_id = p.id AND i.position = 0
    WHERE p.id IN (${sql.join(
      postIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})
    ON CONFLICT (owner_did, dedupe_key) DO NOTHING`);
}
