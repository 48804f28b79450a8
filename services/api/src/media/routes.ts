import { MAX_CAPTIONS_PER_VIDEO } from '@chronopost/core';
import { deleteUnusedMedia, findMedia, setCaptions } from '@chronopost/db';
import {
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
import * as z from 'zod';
import { requireAccount } from '../account';
import type { ApiContext } from '../context';
import type * as Operations from './operations';
import type * as Schemas from './schemas';

// What media requests do (S3 forms and signed URLs, fetching and parsing link cards) is loaded on
// the first media request: most API cold starts serve posts and never need it. So are the media
// request schemas (apart from S3: a refused request loads no SDK), whose construction every cold
// start paid.
let operations: Promise<typeof Operations> | undefined;
const load = () => (operations ??= import('./operations'));
let schemas: Promise<typeof Schemas> | undefined;
const loadSchemas = () => (schemas ??= import('./schemas'));

const mediaId = (event: HttpEvent) => parseInput(z.uuid(), event.pathParameters?.id, ['id']);
const captionLanguage = async (event: HttpEvent) =>
  parseInput((await loadSchemas()).captionLanguageSchema, event.pathParameters?.lang, ['lang']);

/** Sets or removes one language's captions of a video; answers the upload as it now is. */
async function saveCaptions(ctx: ApiContext, event: HttpEvent, vtt: string | null) {
  const did = authenticatedDid(event);
  const id = mediaId(event);
  const lang = await captionLanguage(event);
  const result = await setCaptions(ctx.db, did, id, lang, vtt, MAX_CAPTIONS_PER_VIDEO);
  if (result.outcome === 'not_found') throw new NotFoundError('media_not_found', { path: 'id' });
  if (result.outcome === 'not_a_video') throw new ValidationError([{ path: 'id', code: 'captions_need_video' }]);
  if (result.outcome === 'too_many')
    throw new ValidationError([{ path: 'lang', code: 'too_many_captions', params: { max: MAX_CAPTIONS_PER_VIDEO } }]);
  const row = await findMedia(ctx.db, did, id);
  if (!row) throw new NotFoundError('media_not_found', { path: 'id' });
  return json(200, await (await load()).presentMedia(ctx, row));
}

export const mediaRoutes = (ctx: ApiContext): Route[] => [
  {
    method: 'POST',
    path: '/media',
    handler: async (event) => {
      const { did } = await requireAccount(ctx, event);
      const body = parseJsonBody(event, (await loadSchemas()).createMediaSchema);
      const { startUpload, presentMedia } = await load();
      const { row, form } = await startUpload(ctx, did, body);
      ctx.logger.info('upload started', { mediaId: row.id, kind: body.kind, type: body.type, size: body.size });
      return json(201, { media: await presentMedia(ctx, row), upload: form }, { location: `/media/${row.id}` });
    },
  },
  {
    method: 'GET',
    path: '/media/{id}',
    handler: async (event) => {
      const row = await findMedia(ctx.db, authenticatedDid(event), mediaId(event));
      if (!row) throw new NotFoundError('media_not_found', { path: 'id' });
      return json(200, await (await load()).presentMedia(ctx, row));
    },
  },
  {
    method: 'DELETE',
    path: '/media/{id}',
    handler: async (event) => {
      const id = mediaId(event);
      const result = await deleteUnusedMedia(ctx.db, authenticatedDid(event), id);
      if (result.outcome !== 'deleted') {
        throw result.outcome === 'not_found'
          ? new NotFoundError('media_not_found', { path: 'id' })
          : new ConflictError('media_in_use', { path: 'id' });
      }
      // The row is gone; an object left behind by a failure here holds nothing anyone can reach.
      await (
        await load()
      )
        .deleteObjects(ctx, result.keys)
        .catch((error: unknown) => ctx.logger.warn('could not delete the objects of a deleted upload', { mediaId: id, error }));
      return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
    },
  },
  {
    method: 'PUT',
    path: '/media/{id}/captions/{lang}',
    handler: async (event) => saveCaptions(ctx, event, parseJsonBody(event, (await loadSchemas()).captionsInputSchema).vtt),
  },
  {
    method: 'DELETE',
    path: '/media/{id}/captions/{lang}',
    handler: async (event) => saveCaptions(ctx, event, null),
  },
  {
    method: 'POST',
    path: '/link-preview',
    handler: async (event) => {
      const { did } = await requireAccount(ctx, event);
      const body = parseJsonBody(event, (await loadSchemas()).linkPreviewRequestSchema);
      return json(200, await (await load()).linkPreview(ctx, did, body.url));
    },
  },
];
