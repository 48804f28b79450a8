import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import { MAX_IMAGE_UPLOAD_BYTES, MAX_VIDEO_UPLOAD_BYTES, mediaIdOfUploadKey, mediaKeys, videoPathFor } from '@chronopost/core';
import {
  claimMediaForProcessing,
  findAccount,
  markMediaReady,
  type MediaRejectionReason,
  type MediaRow,
  rejectMedia,
  releaseMediaClaim,
} from '@chronopost/db';
import type { MediaContext } from './context';

export type UploadOutcome =
  | { outcome: 'ready'; id: string; key: string; mime: string; bytes: number; width: number; height: number }
  | { outcome: 'rejected'; id: string; reason: MediaRejectionReason }
  /** Not an upload of ours, or already processed / being processed (a redelivered event). */
  | { outcome: 'skipped'; key: string; why: 'not_an_upload' | 'not_waiting' };

/** S3's answers for an object that is not there: HEAD has no body to say more than `NotFound`. */
const isGone = (error: unknown) => error instanceof NotFound || error instanceof NoSuchKey;

/** A run that started this long ago died (the function's timeout is 60 s): its upload may be taken over. */
const STALE_AFTER_MS = 2 * 60_000;

/**
 * Processes one uploaded object, exactly once however often its event is delivered: the row is
 * claimed (`uploading → processing`) before anything else, and the processed image goes to one
 * key per media id, so a repeated run overwrites rather than adds.
 */
export async function processUpload(ctx: MediaContext, bucket: string, key: string): Promise<UploadOutcome> {
  const id = mediaIdOfUploadKey(key);
  if (!id || bucket !== ctx.config.mediaBucket) {
    ctx.logger.warn('object is not an upload; ignored', { bucket, key });
    return { outcome: 'skipped', key, why: 'not_an_upload' };
  }
  const now = ctx.now();
  const row = await claimMediaForProcessing(ctx.db, id, { now, staleBefore: new Date(now.getTime() - STALE_AFTER_MS) });
  if (!row) {
    ctx.logger.info('upload not waiting for processing; event ignored', { mediaId: id });
    return { outcome: 'skipped', key, why: 'not_waiting' };
  }
  const claim = { id, startedAt: now };
  try {
    const keys = mediaKeys(id);
    const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: keys.original }));
    const size = head.ContentLength ?? 0;
    // S3 holds uploads to the declared size (the upload form's policy); this holds anything else.
    const maxBytes = row.kind === 'video' ? MAX_VIDEO_UPLOAD_BYTES : MAX_IMAGE_UPLOAD_BYTES;
    if (size > maxBytes || (row.declaredBytes !== null && size !== row.declaredBytes)) {
      const params = { maxBytes, ...(row.declaredBytes !== null ? { declaredBytes: row.declaredBytes } : {}) };
      return await refuse(ctx, claim, { code: 'too_large', params }, `${size} bytes, declared ${row.declaredBytes}`);
    }
    if (row.kind === 'video') return await processVideo(ctx, claim, row, { bucket, key: keys.original, size });
    const object = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.original }));
    const input = Buffer.from(await object.Body!.transformToByteArray());
    const started = performance.now();
    // The image library (sharp with libvips, packaged beside the bundle) loads with the first image
    // a container processes, not during its cold start.
    const { processImage } = await import('./image');
    const result = await processImage(input, row.declaredMime ?? '');
    if (!result.ok) return await refuse(ctx, claim, result.reason, result.detail);
    const { image } = result;
    await ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.processed, Body: image.bytes, ContentType: image.mime }));
    const marked = await markMediaReady(ctx.db, claim, {
      key: keys.processed,
      mime: image.mime,
      bytes: image.bytes.length,
      width: image.width,
      height: image.height,
      notes: image.notes,
    });
    if (!marked) ctx.logger.warn('processed, but the upload was taken over or deleted meanwhile', { mediaId: id });
    ctx.logger.info('image ready', {
      mediaId: id,
      inputBytes: input.length,
      bytes: image.bytes.length,
      mime: image.mime,
      width: image.width,
      height: image.height,
      ms: Math.round(performance.now() - started),
    });
    return {
      outcome: 'ready',
      id,
      key: keys.processed,
      mime: image.mime,
      bytes: image.bytes.length,
      width: image.width,
      height: image.height,
    };
  } catch (error) {
    // The file was deleted after its notification was sent: nothing will ever arrive under this
    // key again (a new upload gets a new id), so waiting and retrying could only end in the DLQ.
    if (isGone(error)) return await refuse(ctx, claim, { code: 'missing', params: {} }, 'the uploaded object is gone');
    // Our failure, not the file's (storage or database unreachable): give the claim back so
    // Lambda's retry of this event can take it, and fail the invocation.
    await releaseMediaClaim(ctx.db, id, now).catch(() => undefined);
    throw error;
  }
}

/**
 * A video is checked where it lies (range reads: the bytes are never all in memory) and used as
 * uploaded: the video service transcodes it, or the PDS takes it as it is. Its checks depend on
 * the account's path (`videoPathFor`): a direct upload must already be what Bluesky plays.
 */
async function processVideo(
  ctx: MediaContext,
  claim: { id: string; startedAt: Date },
  row: MediaRow,
  object: { bucket: string; key: string; size: number },
): Promise<UploadOutcome> {
  const account = await findAccount(ctx.db, row.ownerDid);
  const path = videoPathFor(account?.pdsUrl ?? '', ctx.config.videoServicePdsHosts);
  const read = async (start: number, end: number) => {
    const part = await ctx.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, Range: `bytes=${start}-${end}` }));
    return part.Body!.transformToByteArray();
  };
  const started = performance.now();
  // mp4box loads with the first video a container checks, as sharp does with the first image.
  const { checkVideo } = await import('./video');
  const result = await checkVideo(read, object.size, row.declaredMime ?? '', path);
  if (!result.ok) return refuse(ctx, claim, result.reason, result.detail);
  const { probe } = result;
  const marked = await markMediaReady(ctx.db, claim, {
    key: object.key,
    mime: probe.mime,
    bytes: object.size,
    width: probe.width,
    height: probe.height,
    notes: [],
    durationMs: Math.round(probe.durationSeconds * 1000),
    codec: probe.codec!,
  });
  if (!marked) ctx.logger.warn('checked, but the upload was taken over or deleted meanwhile', { mediaId: claim.id });
  ctx.logger.info('video ready', { mediaId: claim.id, path, ...probe, bytes: object.size, ms: Math.round(performance.now() - started) });
  return {
    outcome: 'ready',
    id: claim.id,
    key: object.key,
    mime: probe.mime,
    bytes: object.size,
    width: probe.width,
    height: probe.height,
  };
}

async function refuse(
  ctx: MediaContext,
  claim: { id: string; startedAt: Date },
  reason: MediaRejectionReason,
  detail: string,
): Promise<UploadOutcome> {
  await rejectMedia(ctx.db, claim, reason);
  ctx.logger.info('upload rejected', { mediaId: claim.id, reason: reason.code, detail });
  return { outcome: 'rejected', id: claim.id, reason };
}
