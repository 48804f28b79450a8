import { type LatePolicy, POST_COMMANDS, type PostCommand, type PostStatus, randomClockId, recordKeys } from '@chronopost/core';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { postItems, posts } from '../schema';
import { findPost, insertPostReturning, type PostRow, type PostWithItems } from '../repositories/posts';
import { acceptedBy } from './shared';

/**
 * The user's post commands (create, edit, schedule, unschedule, cancel, retry). Each accepts the
 * statuses `POST_COMMANDS[command].from` of packages/core and produces one of its `to`, in one
 * conditional UPDATE (`WHERE status IN (<from>) AND version = <seen>`), never read-then-write.
 * Record keys follow the scheduled time until something was attempted (see `keysFor`).
 */

/** What a post's item holds before it gets its record key. */
export interface ItemContent {
  text: string;
  facets: unknown;
  embed: unknown;
  langs: string[];
  labels: string[];
}

export interface Target {
  ownerDid: string;
  id: string;
  /** The version the caller saw (If-Match); without it the version read here is the condition. */
  version?: number | undefined;
}

export type CommandResult =
  | { ok: true; post: PostWithItems }
  | { ok: false; reason: 'not_found' }
  /** The post changed since the caller saw it. */
  | { ok: false; reason: 'version_conflict'; current: PostWithItems }
  /** The command does not accept the post's status (`current.status`). */
  | { ok: false; reason: 'invalid_status'; current: PostWithItems }
  /** Text and time are fixed once an attempt was made (its records may exist under these keys). */
  | { ok: false; reason: 'already_attempted'; current: PostWithItems };

export interface ScheduledTime {
  at: Date;
  /** The zone the author gave the time in; null when given as an offset. */
  timeZone: string | null;
}

type Change = Partial<
  Pick<
    PostRow,
    | 'status'
    | 'scheduledAt'
    | 'nextAttemptAt'
    | 'timeZone'
    | 'clockId'
    | 'latePolicy'
    | 'lateGraceSeconds'
    | 'options'
    | 'lastErrorCode'
    | 'lastErrorParams'
    | 'lastErrorClass'
  >
>;

/** Whether an error (or what it wraps: drizzle wraps driver errors) is the unique-record-key violation. */
export const isRecordKeyCollision = (error: unknown): boolean => {
  let current = error as { code?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth += 1, current = current.cause as typeof current) {
    if (current.code === '23505' && current.constraint === 'post_items_owner_rkey_idx') return true;
  }
  return false;
};

/**
 * The post's owner has no account row (deleted while its access token was still valid): the
 * foreign key refused the insert, so nothing was written.
 */
export const isMissingOwner = (error: unknown): boolean => {
  let current = error as { code?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth += 1, current = current.cause as typeof current) {
    if (current.code === '23503' && current.constraint === 'posts_owner_did_accounts_did_fk') return true;
  }
  return false;
};

/**
 * Runs a write that assigns record keys, drawing a new clock id if the keys collide with another
 * post's (about one chance in a thousand for two posts scheduled at the same millisecond).
 */
async function withFreshKeys<T>(
  scheduledAt: Date | null,
  count: number,
  write: (clockId: number, rkeys: Array<string | null>) => Promise<T>,
  preferredClockId?: number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const clockId = attempt === 0 && preferredClockId !== undefined ? preferredClockId : randomClockId();
    const rkeys = scheduledAt ? recordKeys(scheduledAt, clockId, count) : Array<string | null>(count).fill(null);
    try {
      return await write(clockId, rkeys);
    } catch (error) {
      if (!isRecordKeyCollision(error) || attempt >= 5) throw error;
    }
  }
}

/**
 * The one conditional update behind every user command: `command`'s statuses, the caller's version
 * (and `noAttempts` for edits), the change, and items or keys replaced in the same transaction.
 * The version is bumped, so every change is visible to `If-None-Match` and `If-Match`.
 */
async function transition(
  db: Database,
  command: PostCommand,
  target: Target & { version: number },
  change: Change,
  items: { replace?: Array<ItemContent & { rkey: string | null }>; rkeys?: Array<string | null> } = {},
  options: { noAttempts?: boolean } = {},
): Promise<CommandResult> {
  if (change.status && !(POST_COMMANDS[command].to as readonly PostStatus[]).includes(change.status)) {
    throw new Error(`${command} cannot produce ${change.status}`);
  }
  const updated = await db.transaction(async (tx) => {
    const conditions: SQL[] = [eq(posts.id, target.id), eq(posts.ownerDid, target.ownerDid), acceptedBy(command)];
    conditions.push(eq(posts.version, target.version));
    if (options.noAttempts) conditions.push(eq(posts.attempts, 0));
    const [row] = await tx
      .update(posts)
      .set({ ...change, version: sql`${posts.version} + 1`, updatedAt: sql`now()` })
      .where(and(...conditions))
      .returning({ id: posts.id });
    if (!row) return false;
    if (items.replace) {
      await tx.delete(postItems).where(eq(postItems.postId, target.id));
      await tx
        .insert(postItems)
        .values(items.replace.map((item, position) => ({ postId: target.id, ownerDid: target.ownerDid, position, ...item })));
    } else if (items.rkeys) {
      // Clear first, so keys can move between items of the post without tripping the unique index.
      await tx.update(postItems).set({ rkey: null }).where(eq(postItems.postId, target.id));
      for (const [position, rkey] of items.rkeys.entries()) {
        if (rkey)
          await tx
            .update(postItems)
            .set({ rkey })
            .where(and(eq(postItems.postId, target.id), eq(postItems.position, position)));
      }
    }
    return true;
  });
  const current = await findPost(db, target.ownerDid, target.id);
  if (!current) return { ok: false, reason: 'not_found' };
  if (updated) return { ok: true, post: current };
  if (current.version !== target.version) return { ok: false, reason: 'version_conflict', current };
  if (options.noAttempts && current.attempts > 0 && (POST_COMMANDS[command].from as readonly PostStatus[]).includes(current.status)) {
    return { ok: false, reason: 'already_attempted', current };
  }
  return { ok: false, reason: 'invalid_status', current };
}

/** Reads the post a command applies to, for what its change depends on (item count, clock id, time). */
async function load(db: Database, target: Target): Promise<{ current: PostWithItems; version: number } | undefined> {
  const current = await findPost(db, target.ownerDid, target.id);
  return current ? { current, version: target.version ?? current.version } : undefined;
}
const NOT_FOUND: CommandResult = { ok: false, reason: 'not_found' };

/** Whether a post's record keys may still follow its time: nothing was attempted yet. */
const keysFollowTime = (post: PostWithItems) => post.attempts === 0;

export interface NewPost {
  ownerDid: string;
  scheduledAt: ScheduledTime | null;
  latePolicy: LatePolicy;
  lateGraceSeconds: number;
  options: unknown;
  items: ItemContent[];
}

/** `create`: a draft without a time, or a scheduled post with its record keys; post and items together. */
export async function createPost(db: Database, input: NewPost): Promise<PostWithItems> {
  const at = input.scheduledAt?.at ?? null;
  return withFreshKeys(at, input.items.length, (clockId, rkeys) =>
    insertPostReturning(db, {
      ownerDid: input.ownerDid,
      status: at ? 'scheduled' : 'draft',
      scheduledAt: at,
      timeZone: input.scheduledAt?.timeZone ?? null,
      clockId,
      latePolicy: input.latePolicy,
      lateGraceSeconds: input.lateGraceSeconds,
      options: input.options,
      items: input.items.map((item, position) => ({ ...item, rkey: rkeys[position] ?? null })),
    }),
  );
}

/**
 * `edit` (draft or scheduled, nothing attempted): any of text, time, late policy and options.
 * `scheduledAt: null` makes it a draft again (`unschedule` by edit); a time makes it scheduled.
 */
export async function editPost(
  db: Database,
  target: Target,
  edit: {
    items?: ItemContent[] | undefined;
    scheduledAt?: ScheduledTime | null | undefined;
    latePolicy?: { mode: LatePolicy; graceSeconds: number } | undefined;
    options?: unknown;
  },
): Promise<CommandResult> {
  const loaded = await load(db, target);
  if (!loaded) return NOT_FOUND;
  const { current, version } = loaded;
  const at = edit.scheduledAt === undefined ? current.scheduledAt : (edit.scheduledAt?.at ?? null);
  const change: Change = {
    status: at ? 'scheduled' : 'draft',
    scheduledAt: at,
    nextAttemptAt: at,
    ...(edit.scheduledAt !== undefined ? { timeZone: edit.scheduledAt?.timeZone ?? null } : {}),
    ...(edit.latePolicy ? { latePolicy: edit.latePolicy.mode, lateGraceSeconds: edit.latePolicy.graceSeconds } : {}),
    ...(edit.options !== undefined ? { options: edit.options } : {}),
  };
  const count = edit.items?.length ?? current.items.length;
  return withFreshKeys(
    at,
    count,
    (clockId, rkeys) =>
      transition(
        db,
        'edit',
        { ...target, version },
        { ...change, clockId },
        edit.items ? { replace: edit.items.map((item, index) => ({ ...item, rkey: rkeys[index] ?? null })) } : { rkeys },
        { noAttempts: true },
      ),
    current.clockId,
  );
}

/**
 * Moves a post in time (`schedule`, `retry`) with one conditional update. Its record keys follow
 * the new time, unless something was attempted already: an attempt whose outcome was unclear may
 * have written the records, and the next attempt must find them rather than write others.
 */
async function reschedule(db: Database, command: 'schedule' | 'retry', target: Target, at: Date, change: Change): Promise<CommandResult> {
  const loaded = await load(db, target);
  if (!loaded) return NOT_FOUND;
  const { current, version } = loaded;
  if (!keysFollowTime(current)) return transition(db, command, { ...target, version }, change);
  return withFreshKeys(
    at,
    current.items.length,
    (clockId, rkeys) => transition(db, command, { ...target, version }, { ...change, clockId }, { rkeys }),
    current.clockId,
  );
}

/** `schedule`: a draft gets its time (and record keys). */
export function schedulePost(
  db: Database,
  target: Target,
  input: { scheduledAt: ScheduledTime; latePolicy?: { mode: LatePolicy; graceSeconds: number } | undefined },
): Promise<CommandResult> {
  return reschedule(db, 'schedule', target, input.scheduledAt.at, {
    status: 'scheduled',
    scheduledAt: input.scheduledAt.at,
    nextAttemptAt: input.scheduledAt.at,
    timeZone: input.scheduledAt.timeZone,
    ...(input.latePolicy ? { latePolicy: input.latePolicy.mode, lateGraceSeconds: input.latePolicy.graceSeconds } : {}),
  });
}

/** `retry`: a failed, missed or blocked post goes back on the schedule, its error cleared. */
export function retryPost(db: Database, target: Target, input: { at: Date; timeZone?: string | null | undefined }): Promise<CommandResult> {
  return reschedule(db, 'retry', target, input.at, {
    status: 'scheduled',
    scheduledAt: input.at,
    nextAttemptAt: input.at,
    ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
    lastErrorCode: null,
    lastErrorParams: null,
    lastErrorClass: null,
  });
}

/** `unschedule`: a scheduled post back to a draft, without time or record keys. */
export async function unschedulePost(db: Database, target: Target): Promise<CommandResult> {
  const loaded = await load(db, target);
  if (!loaded) return NOT_FOUND;
  const { current, version } = loaded;
  return transition(
    db,
    'unschedule',
    { ...target, version },
    { status: 'draft', scheduledAt: null, nextAttemptAt: null, timeZone: null },
    { rkeys: current.items.map(() => null) },
    { noAttempts: true },
  );
}

/** `cancel`: idempotent (an already cancelled post is returned as it is). */
export async function cancelPost(db: Database, target: Target): Promise<CommandResult> {
  const version = target.version ?? (await findPost(db, target.ownerDid, target.id))?.version;
  if (version === undefined) return { ok: false, reason: 'not_found' };
  const result = await transition(db, 'cancel', { ...target, version }, { status: 'cancelled', nextAttemptAt: null });
  if (!result.ok && result.reason === 'invalid_status' && result.current.status === 'cancelled') return { ok: true, post: result.current };
  return result;
}
