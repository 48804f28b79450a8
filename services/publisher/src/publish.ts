import {
  buildWrites,
  classifyPublishError,
  findPublishedRecords,
  missingBlobOf,
  normalizePdsUrl,
  PublishError,
  type IdentityResolver,
  type PdsSession,
  recordWrittenAt,
  type Resolved,
  resolveMentions,
  resolveQuote,
  uploadImage,
} from '@chronopost/bluesky';
import {
  type AttemptOutcome,
  isTooLate,
  LEASE_MARGIN_MS,
  nextStep,
  type PublishErrorClass,
  VIDEO_PROCESSING_MAX_WAIT_SECONDS,
  type VideoPath,
  videoPathFor,
} from '@chronopost/core';
import {
  type Claim,
  claimForPublishing,
  findMediaForUpload,
  finishAttempt,
  markNotPublished,
  forgetVideoBlob,
  markPublished,
  type PostWithItems,
  type Reason,
  startAttempt,
} from '@chronopost/db';
import { RetryLaterError } from '@chronopost/lambda-kit';
import { facetSchema, postOptionsSchema, type PublishMessage, storedEmbedSchema } from '@chronopost/shared-schemas';
import pMap from 'p-map';
import * as z from 'zod';
import type { PublisherContext } from './context';
import { restorePinned } from './session-pin';
import { writeAtSecond } from './write-at-second';

export type PublishResult =
  | { outcome: 'published' | 'already_published'; postId: string; records: Array<{ uri: string; cid: string | null }> }
  | { outcome: 'retrying' | 'failed' | 'blocked' | 'missed'; postId: string; errorClass?: PublishErrorClass; reason: Reason }
  /** Not ours to publish: a duplicate delivery, or a post that is no longer waiting for this message. */
  | { outcome: 'skipped'; postId: string; status: string | undefined }
  | { outcome: 'crashed'; postId: string };

const itemsSchema = z
  .array(
    z.object({
      rkey: z.string().min(1),
      text: z.string(),
      facets: z
        .array(facetSchema)
        .nullable()
        .transform((facets) => facets ?? []),
      embed: storedEmbedSchema.nullable(),
      langs: z.array(z.string()),
      labels: z.array(z.string()),
    }),
  )
  .min(1);

/** The post as stored, checked like any other input before it becomes records. */
function readPost(post: PostWithItems) {
  const items = itemsSchema.safeParse(post.items);
  const options = postOptionsSchema.safeParse(post.options);
  if (!items.success || !options.success) {
    throw new PublishError('validation', { code: 'stored_form_unreadable' });
  }
  return { items: items.data, options: options.data };
}

type Item = ReturnType<typeof readPost>['items'][number];

/**
 * Publishes the post of one message, exactly once:
 * 1. claim it (`queued → publishing`, or take it over from a publisher that died); anything else is
 *    a duplicate or stale delivery and is acknowledged;
 * 2. restore the author's OAuth session, and if an earlier attempt may have written, look first;
 * 3. prepare everything that needs the network (mentions, quotes, image uploads) and build the
 *    records before it is due;
 * 4. make the write (the whole post or thread in one `applyWrites`) a second before it is due,
 *    and send it on the second (`writeAtSecond`);
 * 5. on failure, look whether the write landed anyway, else retry, fail or block by error class.
 */
export async function publish(
  ctx: PublisherContext,
  message: PublishMessage,
  lambda: { remainingMs: () => number },
): Promise<PublishResult> {
  const postId = message.postId;
  const claimedAt = ctx.now();
  const result = await claimForPublishing(ctx.db, postId, {
    now: claimedAt,
    until: new Date(claimedAt.getTime() + lambda.remainingMs() + LEASE_MARGIN_MS),
  });
  if (!result.claimed) {
    if ('crashed' in result) {
      ctx.logger.error('post failed: its publishers died too often', { postId });
      return { outcome: 'crashed', postId };
    }
    // Another publisher holds it and may still be working: come back when its lease has run out.
    if (result.leaseLive) throw new RetryLaterError(`post ${postId} is being published by another worker`);
    ctx.logger.info('nothing to publish for this message', { postId, status: result.status ?? 'deleted' });
    return { outcome: 'skipped', postId, status: result.status };
  }
  const { claim } = result;
  const attemptId = await startAttempt(ctx.db, postId, claim.attempt);
  const started = performance.now();
  // A post with a video records the path its video took to the PDS on each attempt.
  let videoPath: VideoPath | undefined;
  // Kept in memory and stored with the attempt's end: no database write between the second and the PDS.
  let writeSentAt: Date | undefined;
  const record = async (
    outcome: AttemptOutcome,
    detail: { errorClass?: PublishErrorClass | undefined; reason?: Reason | undefined } = {},
  ) =>
    finishAttempt(ctx.db, attemptId, {
      outcome,
      ...detail,
      latencyMs: Math.round(performance.now() - started),
      videoPath,
      writeSentAt,
    });
  const held = { postId, attempt: claim.attempt };

  const post = claim.post;
  if (isTooLate({ scheduledAt: post.scheduledAt!, now: ctx.now(), latePolicy: post.latePolicy, graceSeconds: post.lateGraceSeconds })) {
    const reason = { code: 'too_late', params: { graceMinutes: Math.round(post.lateGraceSeconds / 60) } };
    await markNotPublished(ctx.db, held, { status: 'missed' }, { reason });
    await record('missed', { reason });
    return { outcome: 'missed', postId, reason };
  }

  try {
    const { items, options } = readPost(post);
    const client = await ctx.oauthClient();
    // The token set is read once, here: the write at the second does not go back to the lock, the
    // stored row and the vault first.
    const { session, tokenSet } = await restorePinned(client, post.ownerDid, ctx.now);
    const target = { did: post.ownerDid, pdsUrl: normalizePdsUrl(tokenSet.aud) };

    // Any earlier attempt (a retry, or a publisher that died) may have written the records.
    if (claim.attempt > 1) {
      const existing = await findPublishedRecords(ctx.fetch, target, items);
      if (existing) return await alreadyPublished(ctx, claim, existing, record, target);
    }

    if (items.some((item) => item.embed?.type === 'video')) videoPath = videoPathFor(target.pdsUrl, ctx.config.videoService.pdsHosts);
    const resolved = await prepare(ctx, {
      session,
      identityResolver: client.identityResolver,
      ownerDid: post.ownerDid,
      pdsUrl: target.pdsUrl,
      items,
      remainingMs: lambda.remainingMs,
    });
    // The records are built before the due time too (createdAt is the time they are due, or now if
    // that has passed), and the write request is made ahead: at the second itself only its sending remains.
    const dueAt = post.nextAttemptAt ?? post.scheduledAt!;
    const createdAt = new Date(Math.max(dueAt.getTime(), ctx.now().getTime()));
    const { writes, records } = await buildWrites({ did: post.ownerDid, items, options, resolved, createdAt });
    const write = writeAtSecond(ctx, session, target, writes, dueAt.getTime());

    let written;
    try {
      written = await write.result;
      writeSentAt = write.sentAt();
    } catch (writeError) {
      writeSentAt = write.sentAt();
      // The write may have been committed although its answer was lost (a timeout, a dropped
      // connection, a 5xx from a proxy): look before deciding anything.
      const existing = await findPublishedRecords(ctx.fetch, target, items).catch(() => undefined);
      if (existing) return await alreadyPublished(ctx, claim, existing, record, target);
      // Refused whole (one commit: nothing written) for a blob the PDS no longer has: a video blob
      // kept from an earlier upload is forgotten, so the retry uploads it again.
      const missing = missingBlobOf(writeError);
      if (missing && resolved.videos) await forgetMissingVideoBlobs(ctx, resolved.videos, missing.cids);
      throw writeError;
    }
    const publishedAt = ctx.now();
    const stored = records.map((expected, index) => {
      const actual = written[index];
      // The replies' root/parent refs carry CIDs computed here; the PDS does not check them.
      if (actual && actual.cid !== expected.cid) {
        ctx.logger.error('record CID differs from the one computed for reply refs', {
          postId,
          uri: actual.uri,
          expected: expected.cid,
          actual: actual.cid,
        });
      }
      return { uri: actual?.uri || expected.uri, cid: actual?.cid || expected.cid };
    });
    const marked = await markPublished(ctx.db, held, stored, publishedAt);
    if (!marked) ctx.logger.warn('published, but the claim was taken over meanwhile', { postId });
    await record('published');
    ctx.logger.info('post published', {
      postId,
      attempt: claim.attempt,
      items: items.length,
      latenessMs: publishedAt.getTime() - dueAt.getTime(),
      uri: stored[0]!.uri,
    });
    return { outcome: 'published', postId, records: stored };
  } catch (error) {
    const now = ctx.now();
    const classified = classifyPublishError(error, now);
    // Not a failure of the PDS or of the post: a bug or our own infrastructure. Let it crash; the
    // message comes back, takes the post over when the lease runs out, and after maxReceiveCount
    // rests in the dead-letter queue (the post then fails with class `crash`).
    if (!classified) throw error;
    const step = nextStep({
      attempt: claim.attempt,
      errorClass: classified.errorClass,
      now,
      ...(classified.retryAfter ? { retryAfter: classified.retryAfter } : {}),
    });
    const detail = { reason: classified.reason, errorClass: classified.errorClass };
    // Waiting for a video ends with the late policy (`skip`: at the claim, as `missed`) or, with
    // `publish`, after the longest wait we allow.
    const waitedTooLong =
      classified.errorClass === 'video_processing' &&
      now.getTime() - post.scheduledAt!.getTime() > VIDEO_PROCESSING_MAX_WAIT_SECONDS * 1000;
    if (step.action === 'retry' && waitedTooLong) {
      const failed = {
        reason: { code: 'video_processing_too_long', params: { minutes: VIDEO_PROCESSING_MAX_WAIT_SECONDS / 60 } },
        errorClass: 'video_processing' as const,
      };
      await markNotPublished(ctx.db, held, { status: 'failed' }, failed);
      await record('failed', failed);
      return { outcome: 'failed', postId, ...failed };
    }
    if (step.action === 'retry') {
      await markNotPublished(ctx.db, held, { status: 'retrying', at: step.at }, detail);
      await record('retrying', detail);
      ctx.logger.warn('publish attempt failed; will retry', {
        postId,
        attempt: claim.attempt,
        errorClass: classified.errorClass,
        retryAt: step.at.toISOString(),
      });
      return { outcome: 'retrying', postId, ...detail };
    }
    const status = step.action === 'block' ? 'blocked' : 'failed';
    await markNotPublished(ctx.db, held, { status }, detail);
    await record(status, detail);
    ctx.logger.warn(`post ${status}`, { postId, attempt: claim.attempt, errorClass: classified.errorClass });
    return { outcome: status, postId, ...detail };
  }
}

async function alreadyPublished(
  ctx: PublisherContext,
  claim: Claim,
  existing: Array<{ uri: string; cid: string | null }>,
  record: (outcome: AttemptOutcome) => Promise<void>,
  target: { did: string; pdsUrl: string },
): Promise<PublishResult> {
  // Published when the earlier attempt's commit was made, not when this one noticed (a publisher
  // that died after writing is found again minutes later). The write came after the post was due.
  const notBefore = new Date((claim.post.scheduledAt ?? ctx.now()).getTime() - 1000);
  const writtenAt = existing[0]?.cid ? await recordWrittenAt(ctx.fetch, target, existing[0].cid, notBefore) : undefined;
  await markPublished(ctx.db, { postId: claim.post.id, attempt: claim.attempt }, existing, writtenAt ?? ctx.now());
  await record('already_published');
  ctx.logger.info('post was already published by an earlier attempt', {
    postId: claim.post.id,
    attempt: claim.attempt,
    uri: existing[0]!.uri,
  });
  return { outcome: 'already_published', postId: claim.post.id, records: existing };
}

/**
 * The stored video blobs a refused write named (all of the post's, if the PDS named none of them):
 * forgotten, so the next attempt claims their uploads afresh. Images are uploaded at every attempt.
 */
async function forgetMissingVideoBlobs(ctx: PublisherContext, videos: NonNullable<Resolved['videos']>, cids: string[]) {
  const used = [...videos].map(([mediaId, video]) => ({ mediaId, cid: video.blob.ref.$link }));
  const named = used.filter((video) => cids.includes(video.cid));
  for (const video of named.length ? named : used) {
    const forgotten = await forgetVideoBlob(ctx.db, video.mediaId, video.cid);
    ctx.logger.warn('the PDS no longer has a stored video blob; it is uploaded again', { mediaId: video.mediaId, forgotten });
  }
}

/** At most this many image uploads of one post at once. */
const UPLOAD_CONCURRENCY = 4;

/** Everything the records need from the network: mention DIDs, quoted posts' CIDs, uploaded images. */
async function prepare(
  ctx: PublisherContext,
  input: {
    session: PdsSession;
    identityResolver: IdentityResolver;
    ownerDid: string;
    pdsUrl: string;
    items: Item[];
    remainingMs: () => number;
  },
): Promise<Resolved> {
  const handles = input.items.flatMap((item) => item.facets.filter((facet) => facet.type === 'mention').map((facet) => facet.value));
  const quoteUris = [
    ...new Set(
      input.items.flatMap((item) => (item.embed?.type === 'quote' || item.embed?.type === 'quoteWithImages' ? [item.embed.uri] : [])),
    ),
  ];
  const imageIds = [
    ...new Set(
      input.items.flatMap((item) => {
        const embed = item.embed;
        if (!embed) return [];
        if (embed.type === 'images' || embed.type === 'quoteWithImages') return embed.images.map((image) => image.mediaId);
        if (embed.type === 'external' && embed.thumbMediaId) return [embed.thumbMediaId];
        return [];
      }),
    ),
  ];
  const videoIds = [...new Set(input.items.flatMap((item) => (item.embed?.type === 'video' ? [item.embed.mediaId] : [])))];
  const [mentions, quotes, images, videos] = await Promise.all([
    handles.length ? resolveMentions(input.identityResolver, handles) : new Map<string, string>(),
    Promise.all(quoteUris.map(async (uri) => [uri, await resolveQuote(input.identityResolver, ctx.fetch, uri)] as const)).then(
      (entries) => new Map(entries),
    ),
    uploadImages(ctx, input.session, input.ownerDid, imageIds),
    uploadVideos(ctx, input, videoIds),
  ]);
  return { mentions, quotes, images, videos };
}

async function uploadVideos(
  ctx: PublisherContext,
  input: { session: PdsSession; ownerDid: string; pdsUrl: string; remainingMs: () => number },
  ids: string[],
): Promise<NonNullable<Resolved['videos']>> {
  const prepared: NonNullable<Resolved['videos']> = new Map();
  if (ids.length === 0) return prepared;
  const rows = new Map((await findMediaForUpload(ctx.db, input.ownerDid, ids)).map((row) => [row.id, row]));
  for (const id of ids) {
    const row = rows.get(id);
    if (!row || row.kind !== 'video') throw new PublishError('validation', { code: 'video_deleted' });
    if (row.state === 'rejected') throw new PublishError('validation', { code: 'video_rejected' });
    if (row.state !== 'ready' || !row.processedKey) throw new PublishError('server', { code: 'video_checking' });
    // The video code (and its upload paths) loads with the first post that has a video: most
    // publisher cold starts never need it.
    const { prepareVideo } = await import('./video');
    const { video } = await prepareVideo(ctx, { ...input, media: row });
    prepared.set(id, video);
  }
  return prepared;
}

async function uploadImages(ctx: PublisherContext, session: PdsSession, ownerDid: string, ids: string[]): Promise<Resolved['images']> {
  const uploaded: Resolved['images'] = new Map();
  if (ids.length === 0) return uploaded;
  const rows = new Map((await findMediaForUpload(ctx.db, ownerDid, ids)).map((row) => [row.id, row]));
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) throw new PublishError('validation', { code: 'image_deleted' });
    if (row.state === 'rejected') throw new PublishError('validation', { code: 'image_rejected' });
    // Still being processed at publication time: try again shortly.
    if (row.state !== 'ready' || !row.mime || !row.processedKey) throw new PublishError('server', { code: 'image_processing' });
  }
  await pMap(
    ids,
    async (id) => {
      const row = rows.get(id)!;
      // The processed image: metadata stripped, sized and encoded for Bluesky by the media Lambda.
      const [s3, { GetObjectCommand }] = await Promise.all([ctx.s3(), import('@aws-sdk/client-s3')]);
      const object = await s3
        .send(new GetObjectCommand({ Bucket: ctx.config.mediaBucket, Key: row.processedKey! }))
        .catch((error: unknown) => {
          if ((error as { name?: string }).name === 'NoSuchKey') throw new PublishError('validation', { code: 'image_missing' });
          throw error;
        });
      const bytes = await object.Body!.transformToByteArray();
      uploaded.set(id, { blob: await uploadImage(session, bytes, row.mime!), width: row.width, height: row.height });
    },
    { concurrency: UPLOAD_CONCURRENCY },
  );
  return uploaded;
}
