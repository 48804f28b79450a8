import {
  accessTokenResponseSchema,
  captionsInputSchema,
  createMediaResponseSchema,
  createMediaSchema,
  accountSettingsResponseSchema,
  accountSettingsSchema,
  listNotificationsQuerySchema,
  listNotificationsResponseSchema,
  notificationSchema,
  readAllNotificationsResponseSchema,
  unschedulePostSchema,
  createPostSchema,
  linkPreviewRequestSchema,
  linkPreviewSchema,
  mediaSchema,
  errorResponseSchema,
  healthResponseSchema,
  HTTP_ROUTES,
  listAttemptsResponseSchema,
  listPostsQuerySchema,
  listPostsResponseSchema,
  loginRequestSchema,
  loginResponseSchema,
  meResponseSchema,
  postResponseSchema,
  postSchema,
  retryPostSchema,
  schedulePostSchema,
  updatePostSchema,
} from '@chronopost/shared-schemas';
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';

const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(errorResponseSchema, description);
const idParam = z.object({ id: z.uuid().meta({ description: 'The post id.' }) });
const ifMatch = z.object({ 'if-match': z.string().optional().meta({ description: 'The ETag of the version being changed, like "3".' }) });
const ifNoneMatch = z.object({
  'if-none-match': z
    .string()
    .optional()
    .meta({ description: 'The ETag you hold: 304 Not Modified if it is still current (poll with it).' }),
});
const notModified = { '304': { description: 'Not modified: the ETag you sent is still current.' } };
const notificationId = z.object({ id: z.uuid().meta({ description: 'The notification id.' }) });
const missingNotification = { '404': error('No such notification among yours.') };

const invalid = {
  '400': error(
    'The request is not valid: `issues` lists every problem as { path, code, params, message } (`code` and `params` from the message catalogue, `message` in English).',
  ),
};
/** A route whose only input is its `{id}`: the one 400 it can answer. */
const badId = { '400': error('The `id` in the path is not a UUID: `issues` names it.') };
const authed = {
  '401': json(z.object({ message: z.literal('Unauthorized') }), "API Gateway's answer to a missing or invalid access token."),
};
/** Routes that write rows the caller owns (or show the account) also refuse a token whose account no longer exists. */
const withAccount = {
  '401': json(
    z.union([z.object({ message: z.literal('Unauthorized') }), errorResponseSchema]),
    "API Gateway's answer to a missing or invalid access token, or `account_not_found` (our error shape) when the token's account no longer exists.",
  ),
};
const missing = { '404': error('No such post among yours.') };
const conflict = {
  '409': error(
    'The post changed meanwhile (`version_conflict`, params.version: the current one), its status forbids this (`invalid_status`, params.status: the current one), or it was already attempted (`already_attempted`).',
  ),
};

/** The operations, keyed like the route table (`METHOD path`), so the two cannot disagree. */
const operations: Record<string, ZodOpenApiOperationObject> = {
  'GET /health': {
    summary: 'Database reachability and migration',
    responses: { '200': json(healthResponseSchema, 'Healthy.'), '503': json(healthResponseSchema, 'The database is down.') },
  },
  'GET /me': {
    summary: 'The caller’s account and Bluesky session',
    responses: { '200': json(meResponseSchema, 'The account.'), ...withAccount },
  },
  'POST /posts': {
    summary: 'Schedule a post or a thread (or save a draft, without scheduledAt)',
    requestBody: { content: { 'application/json': { schema: createPostSchema } } },
    responses: {
      '201': json(postResponseSchema, 'Created; `warnings` lists what may go wrong at publication.'),
      ...invalid,
      ...withAccount,
    },
  },
  'GET /posts': {
    summary: 'The caller’s posts by scheduled time, with keyset pagination',
    requestParams: { query: listPostsQuerySchema, header: ifNoneMatch },
    responses: {
      '200': json(listPostsResponseSchema, 'A page; pass nextCursor back for the next one. ETag covers the page.'),
      ...notModified,
      ...invalid,
      ...authed,
    },
  },
  'GET /posts/{id}': {
    summary: 'One post',
    requestParams: { path: idParam, header: ifNoneMatch },
    responses: { '200': json(postSchema, 'The post; ETag is its version.'), ...notModified, ...badId, ...authed, ...missing },
  },
  'PATCH /posts/{id}': {
    summary: 'Edit a draft or a scheduled post (If-Match or version required)',
    requestParams: { path: idParam, header: ifMatch },
    requestBody: { content: { 'application/json': { schema: updatePostSchema } } },
    responses: {
      '200': json(postResponseSchema, 'Edited.'),
      ...invalid,
      ...authed,
      ...missing,
      ...conflict,
      '428': error('No version given: say which version you are editing.'),
    },
  },
  'DELETE /posts/{id}': {
    summary: 'Cancel a post (not once publishing or published)',
    requestParams: { path: idParam, header: ifMatch },
    responses: { '200': json(postSchema, 'Cancelled (also when it already was).'), ...invalid, ...authed, ...missing, ...conflict },
  },
  'POST /posts/{id}/schedule': {
    summary: 'Schedule a draft',
    requestParams: { path: idParam, header: ifMatch },
    requestBody: { content: { 'application/json': { schema: schedulePostSchema } } },
    responses: { '200': json(postSchema, 'Scheduled.'), ...invalid, ...authed, ...missing, ...conflict },
  },
  'POST /posts/{id}/retry': {
    summary: 'Reschedule a failed, missed or blocked post (keeping its record keys once attempted)',
    requestParams: { path: idParam, header: ifMatch },
    requestBody: { content: { 'application/json': { schema: retryPostSchema } } },
    responses: { '200': json(postSchema, 'Rescheduled.'), ...invalid, ...authed, ...missing, ...conflict },
  },
  'POST /posts/{id}/unschedule': {
    summary: 'Turn a scheduled post back into a draft (nothing attempted yet)',
    requestParams: { path: idParam, header: ifMatch },
    requestBody: { content: { 'application/json': { schema: unschedulePostSchema } } },
    responses: { '200': json(postSchema, 'A draft again.'), ...invalid, ...authed, ...missing, ...conflict },
  },
  'GET /notifications': {
    summary: 'The caller’s notifications, newest first, with the unread count',
    requestParams: { query: listNotificationsQuerySchema },
    responses: { '200': json(listNotificationsResponseSchema, 'A page; pass nextCursor back for the next one.'), ...invalid, ...authed },
  },
  'POST /notifications/read-all': {
    summary: 'Mark every notification read',
    responses: { '200': json(readAllNotificationsResponseSchema, 'How many were marked.'), ...authed },
  },
  'POST /notifications/{id}/read': {
    summary: 'Mark one notification read',
    requestParams: { path: notificationId },
    responses: { '200': json(notificationSchema, 'Read (also when it already was).'), ...invalid, ...authed, ...missingNotification },
  },
  'POST /notifications/{id}/dismiss': {
    summary: 'Dismiss one notification (it leaves the default list)',
    requestParams: { path: notificationId },
    responses: { '200': json(notificationSchema, 'Dismissed.'), ...invalid, ...authed, ...missingNotification },
  },
  'GET /settings': {
    summary: 'The caller’s defaults for new posts',
    responses: {
      '200': json(accountSettingsResponseSchema, 'The settings (the defaults, with updatedAt null, until first saved).'),
      ...authed,
    },
  },
  'PUT /settings': {
    summary: 'Replace the caller’s defaults for new posts',
    requestBody: { content: { 'application/json': { schema: accountSettingsSchema } } },
    responses: { '200': json(accountSettingsResponseSchema, 'Saved.'), ...invalid, ...withAccount },
  },
  'GET /posts/{id}/attempts': {
    summary: 'Every publication attempt of a post',
    requestParams: { path: idParam },
    responses: { '200': json(listAttemptsResponseSchema, 'Oldest first.'), ...badId, ...authed, ...missing },
  },
  'POST /media': {
    summary: 'Start an upload: a media id and a form to POST the file straight to storage',
    description: [
      'Declare the kind (`image` or `video`), the type (images: `image/jpeg`, `image/png`, `image/webp`, `image/gif`, `image/avif`, `image/heic`, `image/heif`;',
      'videos: `video/mp4`, `video/quicktime`; WebM is refused with `unsupported_video_type`)',
      'and the exact size in bytes (images at most 30 MiB, videos at most 100 MB). Then POST `upload.url` as multipart/form-data with every field of',
      '`upload.fields` and the file last, as `file`, before `upload.expiresAt`. Storage itself refuses another size or',
      'type. The media then goes `uploading → processing → ready` (or `rejected` with `reason.code`: not_an_image,',
      'type_mismatch, unsupported_type, too_many_pixels, damaged, too_large, cannot_fit, missing; for videos not_a_video,',
      'video_too_long (over 3 minutes), unsupported_codec, needs_video_service, no_video_track); poll `GET /media/{id}`.',
      'A ready video has its display size (`aspectRatio`), `durationMs` and `codec`.',
    ].join(' '),
    requestBody: { content: { 'application/json': { schema: createMediaSchema } } },
    responses: { '201': json(createMediaResponseSchema, 'Upload started.'), ...invalid, ...withAccount },
  },
  'GET /media/{id}': {
    summary: 'An upload: its state, the reason if rejected, and once ready its size and a short-lived preview URL',
    requestParams: { path: z.object({ id: z.uuid().meta({ description: 'The media id.' }) }) },
    responses: {
      '200': json(mediaSchema, 'The upload.'),
      ...badId,
      ...authed,
      '404': error('No such upload among yours (`media_not_found`).'),
    },
  },
  'DELETE /media/{id}': {
    summary: 'Delete an upload no post uses (original and processed image)',
    requestParams: { path: z.object({ id: z.uuid().meta({ description: 'The media id.' }) }) },
    responses: {
      '204': { description: 'Deleted.' },
      ...badId,
      ...authed,
      '404': error('No such upload among yours (`media_not_found`).'),
      '409': error('A post uses it (`media_in_use`).'),
    },
  },
  'PUT /media/{id}/captions/{lang}': {
    summary: "Set a video's captions in one language (WebVTT text, at most 20,000 bytes; at most 20 languages)",
    requestParams: {
      path: z.object({
        id: z.uuid().meta({ description: 'The media id of a video.' }),
        lang: z.string().meta({ description: 'A language tag: en, ja, pt-BR.' }),
      }),
    },
    requestBody: { content: { 'application/json': { schema: captionsInputSchema } } },
    responses: {
      '200': json(mediaSchema, 'The upload with its captions.'),
      ...invalid,
      ...authed,
      '404': error('No such upload among yours (`media_not_found`).'),
    },
  },
  'DELETE /media/{id}/captions/{lang}': {
    summary: "Remove a video's captions in one language",
    requestParams: {
      path: z.object({
        id: z.uuid().meta({ description: 'The media id of a video.' }),
        lang: z.string().meta({ description: 'A language tag.' }),
      }),
    },
    responses: {
      '200': json(mediaSchema, 'The upload with its captions.'),
      '400': error(
        'Not a UUID (`id`), not a language tag (`lang`), or the upload is not a video (`captions_need_video`): `issues` lists each problem.',
      ),
      ...authed,
      '404': error('No such upload among yours (`media_not_found`).'),
    },
  },
  'POST /link-preview': {
    summary: 'A link card for an address: title, description and the page image as an upload (`thumbMediaId`)',
    description:
      'The page is fetched through the SSRF-safe fetcher. Refusals are 400s on `url` with code blocked_address, blocked_port, blocked_protocol, too_many_redirects, body_too_large, unsupported_content_type, timeout, invalid_url or unreachable. The thumbnail goes through the media pipeline: poll GET /media/{thumbMediaId} until ready, then attach `{ type: "external", uri, title, description, thumbMediaId }`.',
    requestBody: { content: { 'application/json': { schema: linkPreviewRequestSchema } } },
    responses: { '200': json(linkPreviewSchema, 'The card (cached for an hour).'), ...invalid, ...withAccount },
  },
  'POST /oauth/login': {
    summary: 'Start logging in with Bluesky: answers the authorization server URL to open',
    requestBody: { content: { 'application/json': { schema: loginRequestSchema } } },
    responses: {
      '200': json(loginResponseSchema, 'Open authorizationUrl in this browser.'),
      ...invalid,
      '429': error('Too many login starts from this address.'),
    },
  },
  'POST /auth/refresh': {
    summary: 'A new access token from the refresh cookie (which rotates)',
    responses: {
      '200': json(accessTokenResponseSchema, 'Use as Authorization: Bearer.'),
      '401': error('Not logged in, or the session ended.'),
    },
  },
  'POST /auth/logout': {
    summary: 'Log out everywhere and revoke the Bluesky session',
    responses: { '204': { description: 'Logged out.' } },
  },
};

/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the same zod schemas that validate
 * requests. Built once per container, on first request.
 */
export function buildOpenApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of HTTP_ROUTES) {
    const operation = operations[`${route.method} ${route.path}`];
    if (!operation) continue; // metadata, callbacks and key sets are for machines that know them
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    paths[route.path] = {
      ...paths[route.path],
      [method]: { ...operation, ...(route.auth === 'jwt' ? { security: [{ appToken: [] }] } : {}) },
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Chronopost API',
      version: '1',
      description:
        'Schedule posts and threads to Bluesky. Every error has the shape { error: { code, params?, message, issues? } }: `code` and `params` come from the message catalogue (shared-schemas/messages), which renders them in English and Japanese; `message` is the English rendering.',
    },
    paths,
    components: {
      securitySchemes: { appToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /auth/refresh.' } },
    },
  });
}

export const documentedOperations = () => Object.keys(operations);
