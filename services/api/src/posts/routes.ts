import { CANCELLABLE_STATUSES, EDITABLE_STATUSES, type PostStatus, RETRYABLE_STATUSES } from '@chronopost/core';
import {
  type ConditionalUpdate,
  findPost,
  insertPost,
  listAttempts,
  listPosts,
  type PostChange,
  type PostWithItems,
  updatePostIf,
} from '@chronopost/db';
import {
  AppError,
  authenticatedDid,
  ConflictError,
  type HttpEvent,
  json,
  NotFoundError,
  parseInput,
  parseJsonBody,
  type Route,
  ValidationError,
} from '@chronopost/lambda-kit';
import { createPostSchema, listPostsQuerySchema, retryPostSchema, schedulePostSchema, updatePostSchema } from '@chronopost/shared-schemas';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { decodeCursor, encodeCursor } from './cursor';
import { dispatchIfDueSoon } from './dispatch-soon';
import { assertSchedulable, prepareItems, type Warning, withFreshKeys } from './prepare';
import { etag, parseIfMatch, presentPost } from './present';

const idSchema = z.uuid('Not a post id.');

const postId = (event: HttpEvent) => parseInput(idSchema, event.pathParameters?.id, ['id']);

const respond = (status: number, post: PostWithItems, warnings?: Warning[], headers: Record<string, string> = {}) =>
  json(status, warnings ? { ...presentPost(post), warnings } : presentPost(post), { etag: etag(post.version), ...headers });

/** The version the client last saw: the If-Match header, or `version` in the body. */
function expectedVersion(event: HttpEvent, bodyVersion: number | undefined, required: boolean): number | undefined {
  const header = parseIfMatch(event.headers['if-match']);
  if (Number.isNaN(header))
    throw new ValidationError([
      { path: 'If-Match', code: 'invalid_if_match', message: 'If-Match must be the ETag of the post, like "3".' },
    ]);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new ValidationError([{ path: 'version', code: 'version_mismatch', message: 'If-Match and version disagree.' }]);
  }
  const version = header ?? bodyVersion;
  if (version === undefined && required) {
    throw new AppError(
      428,
      'precondition_required',
      'Send the version you are editing (If-Match: "<version>" or "version" in the body), so no one else\'s change is lost.',
    );
  }
  return version;
}

/** Why a conditional change did not happen, as the client should hear it. */
function explain(result: Exclude<ConditionalUpdate, { outcome: 'updated' }>, action: string): never {
  if (result.outcome === 'not_found') throw new NotFoundError('There is no such post.', 'post_not_found');
  if (result.outcome === 'version_conflict') {
    throw new ConflictError(
      `The post changed since you loaded it (it is at version ${result.current.version}). Reload it and try again.`,
      'version_conflict',
    );
  }
  throw new ConflictError(`A ${result.current.status} post cannot be ${action}.`, 'invalid_status');
}

async function ownPost(ctx: ApiContext, did: string, id: string): Promise<PostWithItems> {
  const post = await findPost(ctx.db, did, id);
  if (!post) throw new NotFoundError('There is no such post.', 'post_not_found');
  return post;
}

/**
 * Moves a post in time with one conditional update. Its record keys follow the new time, unless
 * something was attempted already: an attempt whose outcome was unclear may have written the
 * records, and the next attempt must find them rather than write others.
 */
function reschedule(
  ctx: ApiContext,
  did: string,
  current: PostWithItems,
  at: Date,
  expect: { version: number | undefined; statuses: readonly PostStatus[] },
  change: PostChange,
): Promise<ConditionalUpdate> {
  if (current.attempts > 0) return updatePostIf(ctx.db, did, current.id, expect, change);
  return withFreshKeys(
    at,
    current.items.length,
    (clockId, rkeys) => updatePostIf(ctx.db, did, current.id, expect, { ...change, clockId }, { rkeys }),
    current.clockId,
  );
}

export const postRoutes = (ctx: ApiContext): Route[] => [
  {
    method: 'POST',
    path: '/posts',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const body = parseJsonBody(event, createPostSchema);
      if (body.scheduledAt) assertSchedulable(ctx, body.scheduledAt.at);
      const { items, warnings } = await prepareItems(ctx, did, body.items);
      const scheduledAt = body.scheduledAt?.at ?? null;
      const id = await withFreshKeys(scheduledAt, items.length, (clockId, rkeys) =>
        insertPost(ctx.db, {
          ownerDid: did,
          status: scheduledAt ? 'scheduled' : 'draft',
          scheduledAt,
          timeZone: body.scheduledAt?.timeZone ?? null,
          clockId,
          latePolicy: body.latePolicy.mode,
          lateGraceSeconds: body.latePolicy.graceSeconds,
          options: body.options,
          items: items.map((item, index) => ({ ...item, rkey: rkeys[index] ?? null })),
        }),
      );
      const post = await dispatchIfDueSoon(ctx, (await findPost(ctx.db, did, id))!);
      ctx.logger.info('post created', { postId: id, status: post.status, items: items.length });
      return respond(201, post, warnings, { location: `/posts/${id}` });
    },
  },
  {
    method: 'GET',
    path: '/posts',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const query = parseInput(listPostsQuerySchema, event.queryStringParameters ?? {});
      const page = await listPosts(ctx.db, did, {
        ...(query.status ? { statuses: query.status } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
        limit: query.limit + 1,
        order: query.order,
        ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
      });
      const posts = page.slice(0, query.limit);
      const last = posts.at(-1);
      return json(200, { posts: posts.map(presentPost), nextCursor: page.length > query.limit && last ? encodeCursor(last) : null });
    },
  },
  {
    method: 'GET',
    path: '/posts/{id}',
    handler: async (event) => respond(200, await ownPost(ctx, authenticatedDid(event), postId(event))),
  },
  {
    method: 'PATCH',
    path: '/posts/{id}',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const id = postId(event);
      const body = parseJsonBody(event, updatePostSchema);
      const version = expectedVersion(event, body.version, true);
      const current = await ownPost(ctx, did, id);
      if (body.scheduledAt) assertSchedulable(ctx, body.scheduledAt.at);
      const prepared = body.items ? await prepareItems(ctx, did, body.items) : undefined;

      const scheduledAt = body.scheduledAt === undefined ? current.scheduledAt : (body.scheduledAt?.at ?? null);
      const change: PostChange = {
        status: scheduledAt ? 'scheduled' : 'draft',
        scheduledAt,
        nextAttemptAt: scheduledAt,
        ...(body.scheduledAt !== undefined ? { timeZone: body.scheduledAt?.timeZone ?? null } : {}),
        ...(body.latePolicy ? { latePolicy: body.latePolicy.mode, lateGraceSeconds: body.latePolicy.graceSeconds } : {}),
        ...(body.options ? { options: body.options } : {}),
      };
      const count = prepared?.items.length ?? current.items.length;
      const result = await withFreshKeys(
        scheduledAt,
        count,
        (clockId, rkeys) =>
          updatePostIf(
            ctx.db,
            did,
            id,
            { version, statuses: EDITABLE_STATUSES, noAttempts: true },
            { ...change, clockId },
            prepared ? { items: prepared.items.map((item, index) => ({ ...item, rkey: rkeys[index] ?? null })) } : { rkeys },
          ),
        current.clockId,
      );
      if (result.outcome !== 'updated') explain(result, 'edited');
      return respond(200, await dispatchIfDueSoon(ctx, result.post), prepared?.warnings ?? []);
    },
  },
  {
    method: 'DELETE',
    path: '/posts/{id}',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const id = postId(event);
      const version = expectedVersion(event, undefined, false);
      const result = await updatePostIf(
        ctx.db,
        did,
        id,
        { version, statuses: CANCELLABLE_STATUSES },
        { status: 'cancelled', nextAttemptAt: null },
      );
      if (result.outcome === 'wrong_status' && result.current.status === 'cancelled') return respond(200, result.current);
      if (result.outcome !== 'updated') explain(result, 'cancelled');
      ctx.logger.info('post cancelled', { postId: id });
      return respond(200, result.post);
    },
  },
  {
    method: 'POST',
    path: '/posts/{id}/schedule',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const id = postId(event);
      const body = parseJsonBody(event, schedulePostSchema);
      const version = expectedVersion(event, body.version, false);
      assertSchedulable(ctx, body.scheduledAt.at);
      const current = await ownPost(ctx, did, id);
      const result = await reschedule(
        ctx,
        did,
        current,
        body.scheduledAt.at,
        { version, statuses: ['draft'] },
        {
          status: 'scheduled',
          scheduledAt: body.scheduledAt.at,
          nextAttemptAt: body.scheduledAt.at,
          timeZone: body.scheduledAt.timeZone,
          ...(body.latePolicy ? { latePolicy: body.latePolicy.mode, lateGraceSeconds: body.latePolicy.graceSeconds } : {}),
        },
      );
      if (result.outcome !== 'updated') explain(result, 'scheduled (only drafts can; edit a scheduled post instead)');
      return respond(200, await dispatchIfDueSoon(ctx, result.post));
    },
  },
  {
    method: 'POST',
    path: '/posts/{id}/retry',
    handler: async (event) => {
      const did = authenticatedDid(event);
      const id = postId(event);
      const body = event.body ? parseJsonBody(event, retryPostSchema) : retryPostSchema.parse({});
      const version = expectedVersion(event, body.version, false);
      const at = body.scheduledAt?.at ?? new Date(ctx.now().getTime() + ctx.config.schedule.minLeadSeconds * 1000);
      if (body.scheduledAt) assertSchedulable(ctx, at);
      const current = await ownPost(ctx, did, id);
      const change: PostChange = { status: 'scheduled', scheduledAt: at, nextAttemptAt: at, lastError: null, lastErrorClass: null };
      if (body.scheduledAt) change.timeZone = body.scheduledAt.timeZone;
      const result = await reschedule(ctx, did, current, at, { version, statuses: RETRYABLE_STATUSES }, change);
      if (result.outcome !== 'updated') explain(result, 'retried (only failed, missed or blocked posts can)');
      ctx.logger.info('post retried', { postId: id, at: at.toISOString() });
      return respond(200, await dispatchIfDueSoon(ctx, result.post));
    },
  },
  {
    method: 'GET',
    path: '/posts/{id}/attempts',
    handler: async (event) => {
      const post = await ownPost(ctx, authenticatedDid(event), postId(event));
      const attempts = await listAttempts(ctx.db, post.id);
      return json(200, {
        attempts: attempts.map((attempt) => ({
          attempt: attempt.attempt,
          startedAt: attempt.startedAt.toISOString(),
          finishedAt: attempt.finishedAt?.toISOString() ?? null,
          outcome: attempt.outcome,
          errorClass: attempt.errorClass,
          message: attempt.message,
          latencyMs: attempt.latencyMs,
        })),
      });
    },
  },
];
