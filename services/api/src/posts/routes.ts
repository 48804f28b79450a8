import {
  cancelPost,
  type CommandResult,
  createPost,
  editPost,
  findPost,
  isMissingOwner,
  listAttempts,
  listPosts,
  type PostWithItems,
  retryPost,
  schedulePost,
  unschedulePost,
} from '@chronopost/db';
import {
  AppError,
  authenticatedDid,
  ConflictError,
  type HttpEvent,
  type HttpResult,
  json,
  NotFoundError,
  parseInput,
  parseJsonBody,
  type Route,
  UnauthorizedError,
  ValidationError,
} from '@chronopost/lambda-kit';
import {
  createPostSchema,
  listPostsQuerySchema,
  renderMessage,
  retryPostSchema,
  schedulePostSchema,
  unschedulePostSchema,
  updatePostSchema,
} from '@chronopost/shared-schemas';
import * as z from 'zod';
import type { ApiContext } from '../context';
import { decodeCursor, encodeCursor } from './cursor';
import { dispatchIfDueSoon } from './dispatch-soon';
import { assertSchedulable, prepareItems, type Warning } from './prepare';
import { etag, listEtag, matchesIfNoneMatch, parseIfMatch, presentPost } from './present';

/**
 * The scheduling API: each route parses, authorizes (every command is scoped to the caller's DID),
 * calls one post command (packages/db post-commands, statuses from packages/core) and presents the
 * result. Refusals come from the command's result, never from a status check here.
 */

const postId = (event: HttpEvent) => parseInput(z.uuid(), event.pathParameters?.id, [], 'id');

const respond = (status: number, post: PostWithItems, warnings?: Warning[], headers: Record<string, string> = {}) =>
  json(status, warnings ? { ...presentPost(post), warnings } : presentPost(post), { etag: etag(post.version), ...headers });

/** 304 when the client already holds this version (`If-None-Match`): statuses are polled. */
const notModified = (tag: string): HttpResult => ({ statusCode: 304, headers: { etag: tag, 'cache-control': 'no-cache' }, body: '' });

/** The version the client last saw: the If-Match header, or `version` in the body. */
function expectedVersion(event: HttpEvent, bodyVersion: number | undefined, required: boolean): number | undefined {
  const header = parseIfMatch(event.headers['if-match']);
  if (Number.isNaN(header)) throw new ValidationError([{ path: 'If-Match', code: 'invalid_if_match' }]);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new ValidationError([{ path: 'version', code: 'version_mismatch' }]);
  }
  const version = header ?? bodyVersion;
  if (version === undefined && required) {
    throw new AppError(428, 'precondition_required', { issues: [{ path: 'If-Match', code: 'precondition_required' }] });
  }
  return version;
}

/** A command's result as the client should hear it: the post, or 404 / 409 with the current version or status. */
function outcome(result: CommandResult, command: string): PostWithItems {
  if (result.ok) return result.post;
  if (result.reason === 'not_found') throw new NotFoundError('post_not_found', { path: 'id' });
  if (result.reason === 'version_conflict') {
    throw new ConflictError('version_conflict', { params: { version: result.current.version }, path: 'version' });
  }
  if (result.reason === 'already_attempted') throw new ConflictError('already_attempted', { path: 'status' });
  throw new ConflictError('invalid_status', { params: { status: result.current.status, command }, path: 'status' });
}

export const postRoutes = (ctx: ApiContext): Route[] => {
  const target = (event: HttpEvent, version?: number) => ({ ownerDid: authenticatedDid(event), id: postId(event), version });
  return [
    {
      method: 'POST',
      path: '/posts',
      handler: async (event) => {
        const did = authenticatedDid(event);
        const body = parseJsonBody(event, createPostSchema);
        if (body.scheduledAt) assertSchedulable(ctx, body.scheduledAt.at);
        const { items, warnings } = await prepareItems(ctx, did, body.items);
        // The account is not looked up first (the API's most frequent write): a token that outlived
        // its account meets the foreign key, and the insert is refused whole.
        const created = await createPost(ctx.db, {
          ownerDid: did,
          scheduledAt: body.scheduledAt ?? null,
          latePolicy: body.latePolicy.mode,
          lateGraceSeconds: body.latePolicy.graceSeconds,
          options: body.options,
          items,
        }).catch((error: unknown) => {
          throw isMissingOwner(error) ? new UnauthorizedError('account_not_found') : error;
        });
        const post = await dispatchIfDueSoon(ctx, created);
        ctx.logger.info('post created', { postId: post.id, status: post.status, items: items.length });
        return respond(201, post, warnings, { location: `/posts/${post.id}` });
      },
    },
    {
      method: 'GET',
      path: '/posts',
      handler: async (event) => {
        const did = authenticatedDid(event);
        const query = parseInput(listPostsQuerySchema, event.queryStringParameters ?? {}, [], 'query');
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
        const nextCursor = page.length > query.limit && last ? encodeCursor(last) : null;
        const tag = listEtag(posts, nextCursor);
        if (matchesIfNoneMatch(event.headers['if-none-match'], tag)) return notModified(tag);
        return json(200, { posts: posts.map(presentPost), nextCursor }, { etag: tag, 'cache-control': 'no-cache' });
      },
    },
    {
      method: 'GET',
      path: '/posts/{id}',
      handler: async (event) => {
        const { ownerDid, id } = target(event);
        const post = await findPost(ctx.db, ownerDid, id);
        if (!post) throw new NotFoundError('post_not_found', { path: 'id' });
        if (matchesIfNoneMatch(event.headers['if-none-match'], etag(post.version))) return notModified(etag(post.version));
        return respond(200, post, undefined, { 'cache-control': 'no-cache' });
      },
    },
    {
      method: 'PATCH',
      path: '/posts/{id}',
      handler: async (event) => {
        const did = authenticatedDid(event);
        const body = parseJsonBody(event, updatePostSchema);
        const version = expectedVersion(event, body.version, true);
        if (body.scheduledAt) assertSchedulable(ctx, body.scheduledAt.at);
        const prepared = body.items ? await prepareItems(ctx, did, body.items) : undefined;
        const result = await editPost(ctx.db, target(event, version), {
          items: prepared?.items,
          scheduledAt: body.scheduledAt,
          latePolicy: body.latePolicy,
          options: body.options,
        });
        return respond(200, await dispatchIfDueSoon(ctx, outcome(result, 'edit')), prepared?.warnings ?? []);
      },
    },
    {
      method: 'DELETE',
      path: '/posts/{id}',
      handler: async (event) => {
        const post = outcome(await cancelPost(ctx.db, target(event, expectedVersion(event, undefined, false))), 'cancel');
        ctx.logger.info('post cancelled', { postId: post.id });
        return respond(200, post);
      },
    },
    {
      method: 'POST',
      path: '/posts/{id}/schedule',
      handler: async (event) => {
        const body = parseJsonBody(event, schedulePostSchema);
        const version = expectedVersion(event, body.version, false);
        assertSchedulable(ctx, body.scheduledAt.at);
        const result = await schedulePost(ctx.db, target(event, version), { scheduledAt: body.scheduledAt, latePolicy: body.latePolicy });
        return respond(200, await dispatchIfDueSoon(ctx, outcome(result, 'schedule')));
      },
    },
    {
      method: 'POST',
      path: '/posts/{id}/unschedule',
      handler: async (event) => {
        const body = event.body ? parseJsonBody(event, unschedulePostSchema) : {};
        const result = await unschedulePost(ctx.db, target(event, expectedVersion(event, body.version, false)));
        return respond(200, outcome(result, 'unschedule'));
      },
    },
    {
      method: 'POST',
      path: '/posts/{id}/retry',
      handler: async (event) => {
        const body = event.body ? parseJsonBody(event, retryPostSchema) : retryPostSchema.parse({});
        const version = expectedVersion(event, body.version, false);
        const at = body.scheduledAt?.at ?? new Date(ctx.now().getTime() + ctx.config.schedule.minLeadSeconds * 1000);
        if (body.scheduledAt) assertSchedulable(ctx, at);
        const result = await retryPost(ctx.db, target(event, version), {
          at,
          ...(body.scheduledAt ? { timeZone: body.scheduledAt.timeZone } : {}),
        });
        const post = outcome(result, 'retry');
        ctx.logger.info('post retried', { postId: post.id, at: at.toISOString() });
        return respond(200, await dispatchIfDueSoon(ctx, post));
      },
    },
    {
      method: 'GET',
      path: '/posts/{id}/attempts',
      handler: async (event) => {
        const { ownerDid, id } = target(event);
        const post = await findPost(ctx.db, ownerDid, id);
        if (!post) throw new NotFoundError('post_not_found', { path: 'id' });
        const attempts = await listAttempts(ctx.db, post.id);
        return json(200, {
          attempts: attempts.map((attempt) => {
            const params = (attempt.reasonParams ?? {}) as Record<string, unknown>;
            return {
              attempt: attempt.attempt,
              startedAt: attempt.startedAt.toISOString(),
              finishedAt: attempt.finishedAt?.toISOString() ?? null,
              outcome: attempt.outcome,
              errorClass: attempt.errorClass,
              code: attempt.reasonCode,
              params: attempt.reasonCode ? params : null,
              message: attempt.reasonCode ? renderMessage({ code: attempt.reasonCode, params }) : null,
              latencyMs: attempt.latencyMs,
              videoPath: attempt.videoPath,
            };
          }),
        });
      },
    },
  ];
};
