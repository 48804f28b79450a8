import type { LatePolicy, PostStatus } from '@chronopost/core';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { media, postItems, posts, publishAttempts } from '../schema';

export type PostRow = typeof posts.$inferSelect;
export type PostItemRow = typeof postItems.$inferSelect;
export type PostWithItems = PostRow & { items: PostItemRow[] };

/** A post row and its items as given (record keys included), written together or not at all. */
export interface PostInsert {
  ownerDid: string;
  status: Extract<PostStatus, 'draft' | 'scheduled'>;
  scheduledAt: Date | null;
  timeZone: string | null;
  clockId: number;
  latePolicy: LatePolicy;
  lateGraceSeconds: number;
  options: unknown;
  items: Array<{ text: string; facets: unknown; embed: unknown; langs: string[]; labels: string[]; rkey: string | null }>;
}

/** Inserts a post and its items in one transaction (the `create` command is built on it). */
export async function insertPost(db: Pick<Database, 'transaction'>, post: PostInsert): Promise<string> {
  return (await insertPostReturning(db, post)).id;
}

/** `insertPost`, answering with the rows as written: no second read of what was just inserted. */
export async function insertPostReturning(db: Pick<Database, 'transaction'>, post: PostInsert): Promise<PostWithItems> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(posts)
      .values({
        ownerDid: post.ownerDid,
        status: post.status,
        scheduledAt: post.scheduledAt,
        nextAttemptAt: post.status === 'scheduled' ? post.scheduledAt : null,
        timeZone: post.timeZone,
        clockId: post.clockId,
        latePolicy: post.latePolicy,
        lateGraceSeconds: post.lateGraceSeconds,
        options: post.options,
      })
      .returning();
    const items = await tx
      .insert(postItems)
      .values(post.items.map((item, position) => ({ postId: row!.id, ownerDid: post.ownerDid, position, ...item })))
      .returning();
    return { ...row!, items: items.sort((a, b) => a.position - b.position) };
  });
}

async function itemsOf(db: Pick<Database, 'select'>, ids: string[]): Promise<Map<string, PostItemRow[]>> {
  const byPost = new Map<string, PostItemRow[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byPost;
  const rows = await db
    .select()
    .from(postItems)
    .where(inArray(postItems.postId, ids))
    .orderBy(asc(postItems.postId), asc(postItems.position));
  for (const row of rows) byPost.get(row.postId)?.push(row);
  return byPost;
}

/** One post of an owner; another owner's post is as absent as a missing one. */
export async function findPost(db: Database, ownerDid: string, id: string): Promise<PostWithItems | undefined> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.id, id), eq(posts.ownerDid, ownerDid)));
  if (!row) return undefined;
  return { ...row, items: (await itemsOf(db, [id])).get(id) ?? [] };
}

export interface PostPageQuery {
  statuses?: PostStatus[];
  from?: Date;
  to?: Date;
  limit: number;
  order: 'asc' | 'desc';
  /** The last post of the previous page. */
  after?: { scheduledAt: Date | null; id: string };
}

/**
 * A page of an owner's posts ordered by scheduled time then id: drafts (no time) after every
 * dated post going forward, before them going backward — the index's own order both ways. Keyset
 * pagination: each page starts strictly after the previous page's last post, so rows inserted
 * meanwhile never shift a page (no duplicates, no gaps for what existed).
 */
export async function listPosts(db: Database, ownerDid: string, query: PostPageQuery): Promise<PostWithItems[]> {
  const conditions: SQL[] = [eq(posts.ownerDid, ownerDid)];
  if (query.statuses?.length) conditions.push(inArray(posts.status, query.statuses));
  if (query.from) conditions.push(sql`${posts.scheduledAt} >= ${query.from}`);
  if (query.to) conditions.push(sql`${posts.scheduledAt} < ${query.to}`);
  const forward = query.order === 'asc';
  if (query.after) {
    const { scheduledAt, id } = query.after;
    const idAfter = forward ? gt(posts.id, id) : lt(posts.id, id);
    if (scheduledAt === null) {
      // Among drafts; going backward, every dated post is still ahead.
      conditions.push(
        forward ? and(isNull(posts.scheduledAt), idAfter)! : or(and(isNull(posts.scheduledAt), idAfter), isNotNull(posts.scheduledAt))!,
      );
    } else {
      const later = forward ? gt(posts.scheduledAt, scheduledAt) : lt(posts.scheduledAt, scheduledAt);
      const sameTime = and(eq(posts.scheduledAt, scheduledAt), idAfter)!;
      conditions.push(forward ? or(later, sameTime, isNull(posts.scheduledAt))! : or(later, sameTime)!);
    }
  }
  // One round trip, and one JSON value per post (parsed natively) instead of a column-by-column
  // decode of posts and items: listing is the API's hottest read.
  const order = forward ? sql`scheduled_at ASC NULLS LAST, id ASC` : sql`scheduled_at DESC NULLS FIRST, id DESC`;
  // (json, not jsonb: measured, building jsonb costs PostgreSQL over twice the CPU here.)
  const result = await db.execute<{ post: Record<string, unknown>; items: Array<Record<string, unknown>> | null }>(sql`
    SELECT row_to_json(page) AS post, items.list AS items
    FROM (SELECT * FROM ${posts} WHERE ${and(...conditions)} ORDER BY ${order} LIMIT ${query.limit}) AS page
    LEFT JOIN LATERAL (
      SELECT json_agg(item ORDER BY item.position) AS list FROM ${postItems} AS item WHERE item.post_id = page.id
    ) AS items ON true
    ORDER BY ${order}`);
  return result.rows.map(({ post, items }) => postFromJson({ ...post, items: items ?? [] }));
}

type PostJson = Record<string, unknown> & { items: Array<Record<string, unknown>> };

const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

/** A post as `row_to_json` renders its row (snake_case, timestamps as ISO strings). */
function postFromJson(json: PostJson): PostWithItems {
  return {
    id: json.id as string,
    ownerDid: json.owner_did as string,
    status: json.status as PostStatus,
    scheduledAt: date(json.scheduled_at),
    nextAttemptAt: date(json.next_attempt_at),
    timeZone: json.time_zone as string | null,
    clockId: json.clock_id as number,
    latePolicy: json.late_policy as LatePolicy,
    lateGraceSeconds: json.late_grace_seconds as number,
    options: json.options,
    attempts: json.attempts as number,
    leaseExpiresAt: date(json.lease_expires_at),
    lastErrorCode: json.last_error_code as string | null,
    lastErrorParams: json.last_error_params,
    lastErrorClass: json.last_error_class as string | null,
    version: json.version as number,
    publishedAt: date(json.published_at),
    createdAt: date(json.created_at)!,
    updatedAt: date(json.updated_at)!,
    items: json.items.map((item) => ({
      postId: item.post_id as string,
      ownerDid: item.owner_did as string,
      position: item.position as number,
      text: item.text as string,
      facets: item.facets,
      embed: item.embed,
      langs: item.langs as string[],
      labels: item.labels as string[],
      rkey: item.rkey as string | null,
      uri: item.uri as string | null,
      cid: item.cid as string | null,
    })),
  };
}

export async function listAttempts(db: Database, postId: string) {
  return db
    .select()
    .from(publishAttempts)
    .where(eq(publishAttempts.postId, postId))
    .orderBy(asc(publishAttempts.startedAt), asc(publishAttempts.id));
}

/** The caller's media among `ids`: the rest are someone else's or do not exist. */
export async function findOwnedMedia(db: Database, ownerDid: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: media.id, state: media.state, kind: media.kind, alt: media.alt })
    .from(media)
    .where(and(eq(media.ownerDid, ownerDid), inArray(media.id, ids)));
}
