import {
  type BlobJson,
  classifyPublishError,
  getJobStatus,
  getUploadLimits,
  normalizePdsUrl,
  pdsServiceDid,
  type PdsSession,
  PublishError,
  type Reason,
  serviceToken,
  uploadBlob,
  uploadLargeBlob,
  uploadVideo,
  type VideoJobStatus,
  type VideoService,
} from '@chronopost/bluesky';
import {
  CAPTION_MIME,
  VIDEO_BLOB_MAX_AGE_SECONDS,
  VIDEO_BLOB_MIME,
  type VideoPath,
  videoPathFor,
  type VideoUploadFailure,
} from '@chronopost/core';
import {
  claimVideoUpload,
  findMediaForUpload,
  findPostVideos,
  findVideoUpload,
  releaseVideoUpload,
  updateVideoUpload,
  type VideoUploadRow,
} from '@chronopost/db';
import type { PrepareVideoMessage } from '@chronopost/shared-schemas';
import type { PublisherContext } from './context';
import { restorePinned } from './session-pin';

/** An uploader that started this long ago and is still `uploading` died: its upload may be taken over. */
const STALE_UPLOAD_MS = 2 * 60_000;
/** What a publisher keeps of its Lambda's time after waiting for a job (to record the outcome). */
const TIME_MARGIN_MS = 8_000;
/** A service token for the upload outlives the longest job (Bluesky's tutorial: 30 minutes). */
const UPLOAD_TOKEN_SECONDS = 30 * 60;

export interface VideoMedia {
  id: string;
  processedKey: string | null;
  mime: string | null;
  width: number | null;
  height: number | null;
  captions: Array<{ lang: string; vtt: string }>;
}

export type PreparedVideo = {
  blob: BlobJson;
  width: number | null;
  height: number | null;
  captions: Array<{ lang: string; file: BlobJson }>;
};

export type PrepareResult =
  | { outcome: 'prepared'; postId: string; started: number }
  | { outcome: 'skipped'; postId: string; status: string | undefined }
  | { outcome: 'prepare_failed'; postId: string; message: string };

/**
 * Brings a post's video to the author's PDS and answers its blob, by the account's path
 * (`videoPathFor`, recorded on the attempt):
 * - `video_service`: asks `getUploadLimits` first (a daily limit or an unverified e-mail is a
 *   failure with the service's reason, not a retry loop), sends the video with a service token for
 *   the PDS's `uploadBlob`, then polls the job until the service has stored the blob;
 * - `direct`: `uploadBlob` to the PDS, the file as it is.
 * The upload is kept in `video_uploads` across attempts: a job still running when the post is due
 * is polled again by the next attempt (`video_processing`: retried shortly, within the late
 * policy), never uploaded twice; a refusal stays a refusal, except the service's "not now" (a
 * daily limit, an unverified e-mail), which a later attempt asks again (`claimVideoUpload`). A blob
 * stored more than `VIDEO_BLOB_MAX_AGE_SECONDS` ago is uploaded again; one the PDS says it no
 * longer has is forgotten by the publication (`forgetVideoBlob`) and the post retried.
 */
export async function prepareVideo(
  ctx: PublisherContext,
  input: { session: PdsSession; ownerDid: string; pdsUrl: string; media: VideoMedia; remainingMs: () => number },
): Promise<{ path: VideoPath; video: PreparedVideo }> {
  const path = videoPathFor(input.pdsUrl, ctx.config.videoService.pdsHosts);
  const blob = await videoBlob(ctx, path, input);
  // Captions are small text files: straight to the PDS on either path.
  const captions = await Promise.all(
    input.media.captions.map(async (caption) => {
      return { lang: caption.lang, file: await uploadBlob(input.session, new TextEncoder().encode(caption.vtt), CAPTION_MIME) };
    }),
  );
  return { path, video: { blob, width: input.media.width, height: input.media.height, captions } };
}

async function videoBlob(
  ctx: PublisherContext,
  path: VideoPath,
  input: { session: PdsSession; ownerDid: string; media: VideoMedia; remainingMs: () => number },
): Promise<BlobJson> {
  const claimed = await startVideoUpload(ctx, path, input);
  if (claimed.blob) return claimed.blob;
  return follow(ctx, claimed.row ?? (await findVideoUpload(ctx.db, input.media.id))!, input.remainingMs, claimed.job);
}

/**
 * Starts the video's upload if no one has (or its uploader died): a direct upload ends with the
 * blob; the video service's upload ends with its job, to be followed. Answers nothing when another
 * run holds the upload.
 */
async function startVideoUpload(
  ctx: PublisherContext,
  path: VideoPath,
  input: { session: PdsSession; ownerDid: string; media: VideoMedia; remainingMs: () => number },
): Promise<{ blob?: BlobJson; row?: VideoUploadRow; job?: VideoJobStatus }> {
  const mediaId = input.media.id;
  const now = ctx.now();
  const claimed = await claimVideoUpload(ctx.db, mediaId, path, {
    now,
    staleBefore: new Date(now.getTime() - STALE_UPLOAD_MS),
    // A blob stored long ago may be gone from the PDS (see VIDEO_BLOB_MAX_AGE_SECONDS): send it again.
    readyBefore: new Date(now.getTime() - VIDEO_BLOB_MAX_AGE_SECONDS * 1000),
  });
  if (!claimed) return {};
  const claim = { mediaId, startedAt: now };
  try {
    if (path === 'direct') {
      const blob = await withVideoMemory(async () =>
        uploadLargeBlob(
          input.session,
          await readVideo(ctx, input.media),
          VIDEO_BLOB_MIME,
          Math.max(10_000, input.remainingMs() - TIME_MARGIN_MS),
        ),
      );
      await updateVideoUpload(ctx.db, claim, { state: 'ready', blob });
      return { blob };
    }
    const service = videoService(ctx);
    const limitsToken = await serviceToken(input.session, service.did, 'app.bsky.video.getUploadLimits', 60);
    const limits = await getUploadLimits(service, limitsToken);
    if (!limits.canUpload) {
      return await refuse(ctx, claim, {
        code: 'video_upload_limit',
        params: { detail: (limits.message || limits.error || '').slice(0, 300) },
      });
    }
    const uploadToken = await serviceToken(
      input.session,
      await pdsServiceDid(input.session),
      'com.atproto.repo.uploadBlob',
      UPLOAD_TOKEN_SECONDS,
    );
    const job = await withVideoMemory(async () =>
      uploadVideo(
        service,
        uploadToken,
        { did: input.ownerDid, name: `${mediaId}.mp4`, bytes: await readVideo(ctx, input.media) },
        Math.max(10_000, input.remainingMs() - TIME_MARGIN_MS),
      ),
    );
    await updateVideoUpload(ctx.db, claim, { state: 'processing', jobId: job.jobId });
    return {
      row: {
        mediaId,
        path,
        state: 'processing',
        jobId: job.jobId,
        blob: null,
        reasonCode: null,
        reasonParams: null,
        startedAt: now,
        updatedAt: now,
      },
      job,
    };
  } catch (error) {
    if (error instanceof PublishError) throw error;
    // The service or the PDS said no to this video (a 4xx other than limits and auth): final.
    const classified = classifyPublishError(error, ctx.now());
    if (classified?.errorClass === 'validation') {
      return await refuse(ctx, claim, { code: 'video_upload_refused', params: classified.reason.params ?? {} });
    }
    // Anything retryable: give the upload back, so the next attempt starts it again.
    await releaseVideoUpload(ctx.db, claim).catch(() => undefined);
    throw error;
  }
}

/** An upload already under way (this attempt's, or an earlier one's): its blob, its refusal, or a poll of its job. */
async function follow(ctx: PublisherContext, row: VideoUploadRow, remainingMs: () => number, first?: VideoJobStatus): Promise<BlobJson> {
  if (row.state === 'ready' && row.blob) return row.blob;
  if (row.state === 'failed') {
    throw new PublishError('validation', { code: row.reasonCode ?? 'video_upload_refused', params: row.reasonParams ?? {} });
  }
  if (row.state === 'uploading' || !row.jobId) {
    throw new PublishError('video_processing', { code: 'video_still_uploading' });
  }
  const claim = { mediaId: row.mediaId, startedAt: row.startedAt };
  const service = videoService(ctx);
  let status = first ?? (await getJobStatus(service, row.jobId));
  for (;;) {
    // A job the service had already done answers with the earlier blob, whatever its state says.
    if (status.blob) {
      await updateVideoUpload(ctx.db, claim, { state: 'ready', blob: status.blob });
      return status.blob;
    }
    if (status.state === 'JOB_STATE_FAILED') {
      return refuse(ctx, claim, {
        code: 'video_job_failed',
        params: {
          ...(status.failureCode ? { failureCode: status.failureCode.slice(0, 100) } : {}),
          detail: [status.error, status.message].filter(Boolean).join(': ').slice(0, 300),
        },
      });
    }
    if (remainingMs() < TIME_MARGIN_MS + 1_000) {
      throw new PublishError('video_processing', {
        code: 'video_still_processing',
        params: { state: status.state.slice(0, 100), ...(status.progress !== undefined ? { progress: status.progress } : {}) },
      });
    }
    await ctx.sleep(1_000);
    status = await getJobStatus(service, row.jobId);
  }
}

/** A refusal is final: recorded with the upload, so later attempts fail with the same reason. */
async function refuse(
  ctx: PublisherContext,
  claim: { mediaId: string; startedAt: Date },
  reason: Reason & { code: VideoUploadFailure },
): Promise<never> {
  await updateVideoUpload(ctx.db, claim, { state: 'failed', reasonCode: reason.code, reasonParams: reason.params ?? {} });
  throw new PublishError('validation', reason);
}

const videoService = (ctx: PublisherContext): VideoService => ({
  url: ctx.config.videoService.url,
  did: ctx.config.videoService.did,
  fetch: ctx.videoFetch,
});

/**
 * A video is held in memory while it is sent (up to 100 MB), and a batch runs ten records at once
 * in a 1 GB function: at most this many videos are read and sent at a time per instance; the
 * others wait their turn (their posts' time is usually long past the upload, done ahead).
 */
const VIDEOS_IN_MEMORY = 2;
let videosInMemory = 0;
const waitingForMemory: Array<() => void> = [];
async function withVideoMemory<T>(work: () => Promise<T>): Promise<T> {
  while (videosInMemory >= VIDEOS_IN_MEMORY) await new Promise<void>((resolve) => waitingForMemory.push(resolve));
  videosInMemory++;
  try {
    return await work();
  } finally {
    videosInMemory--;
    waitingForMemory.shift()?.();
  }
}

async function readVideo(ctx: PublisherContext, media: VideoMedia): Promise<Uint8Array> {
  const [s3, { GetObjectCommand }] = await Promise.all([ctx.s3(), import('@aws-sdk/client-s3')]);
  const object = await s3
    .send(new GetObjectCommand({ Bucket: ctx.config.mediaBucket, Key: media.processedKey! }))
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NoSuchKey') throw new PublishError('validation', { code: 'video_missing' });
      throw error;
    });
  return object.Body!.transformToByteArray();
}

/**
 * Minutes before a post with a video is due (the dispatcher's `prepare_video` message): starts each
 * video's way to the PDS without claiming the post, so a video service job that takes minutes is
 * done when the post is due. It never waits for the job and never fails the message: whatever goes
 * wrong here, the publication itself finds the upload (started, refused with a reason, or given
 * back) and carries on from there.
 */
export async function prepareVideosAhead(
  ctx: PublisherContext,
  message: PrepareVideoMessage,
  lambda: { remainingMs: () => number },
): Promise<PrepareResult> {
  const postId = message.postId;
  const post = await findPostVideos(ctx.db, postId);
  // Only a post still waiting for its time: one already queued or published needs nothing ahead.
  if (!post || post.status !== 'scheduled' || post.mediaIds.length === 0) {
    return { outcome: 'skipped', postId, status: post?.status };
  }
  try {
    // Read once, as the publication does: the service tokens and uploads below use this token set
    // instead of going back to the lock, the stored row and the vault for every request.
    const { session, tokenSet } = await restorePinned(await ctx.oauthClient(), post.ownerDid, ctx.now);
    const pdsUrl = normalizePdsUrl(tokenSet.aud);
    const path = videoPathFor(pdsUrl, ctx.config.videoService.pdsHosts);
    let started = 0;
    for (const row of await findMediaForUpload(ctx.db, post.ownerDid, post.mediaIds)) {
      if (row.kind !== 'video' || row.state !== 'ready' || !row.processedKey) continue;
      const result = await startVideoUpload(ctx, path, { session, ownerDid: post.ownerDid, media: row, remainingMs: lambda.remainingMs });
      if (result.blob || result.row) started++;
    }
    ctx.logger.info('videos prepared ahead', { postId, path, started });
    return { outcome: 'prepared', postId, started };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    ctx.logger.warn('preparing videos ahead failed; the publication will try again', { postId, detail });
    return { outcome: 'prepare_failed', postId, message: detail };
  }
}
