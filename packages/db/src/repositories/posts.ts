import { DUE_STATUSES } from '@chronopost/core';
import { and, count, inArray, lte } from 'drizzle-orm';
import type { Database } from '../connection';
import { posts } from '../schema';

/** How many posts fall due by `until` (scheduled, or retrying with their retry time reached). */
export async function countDuePosts(db: Database, until: Date): Promise<number> {
  const [row] = await db
    .select({ due: count() })
    .from(posts)
    .where(and(inArray(posts.status, [...DUE_STATUSES]), lte(posts.nextAttemptAt, until)));
  return row?.due ?? 0;
}

/** The status of one post, or undefined when there is no such post. */
export async function findPostStatus(db: Database, id: string) {
  const row = await db.query.posts.findFirst({ where: (post, { eq }) => eq(post.id, id), columns: { id: true, status: true } });
  return row;
}
