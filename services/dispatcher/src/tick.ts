import { LOOK_AHEAD_MS, VIDEO_BLOB_MAX_AGE_SECONDS, VIDEO_PREPARE_LEAD_SECONDS } from '@chronopost/core';
import { claimDuePosts, type ClaimedPost, findPostsToPrepareVideo, markCrashed, reapStuckPosts } from '@chronopost/db';
import { sendPrepareVideoMessages, sendPublishMessages } from '@chronopost/lambda-kit/publish-queue';
import type { DispatcherContext } from './context';
import { type DeadLetter, drainDeadLetters } from './queue';

/** Posts claimed per transaction; a tick claims pages until nothing is due or its time is up. */
export const CLAIM_PAGE = 500;
/**
 * Claim loops running at once in a tick. Pages are claimed with SKIP LOCKED, so the loops never
 * take the same post; while one waits on the queue's answer another claims. (The database pool
 * has one connection more, for the reaper and dead letters.)
 */
export const CLAIM_WORKERS = 4;
/** A tick stops claiming after this long (the Lambda's timeout is 60 s); the next tick continues. */
const CLAIM_BUDGET_MS = 45_000;

export interface TickResult {
  at: string;
  mode: 'lookahead' | 'naive';
  queued: number;
  missed: number;
  /** Claimed but not accepted by the queue: still due, the next tick tries again. */
  unsent: number;
  requeued: number;
  crashed: number;
  deadLetters: number;
  /** Posts with a video due within `VIDEO_PREPARE_LEAD_SECONDS` whose upload was asked to start. */
  videosToPrepare: number;
  claimMs: number;
}

/**
 * One dispatcher tick (EventBridge, every minute): dead letters first (their posts fail with
 * class `crash`), then claim and queue what falls due — before the next tick plus a margin in
 * look-ahead mode, only what is already due in naive mode — then reap work that went astray, and
 * ask for the uploads of videos due in the next minutes to start (see `prepareVideosAhead`).
 */
export async function tick(ctx: DispatcherContext): Promise<TickResult> {
  const now = ctx.now();
  const lookahead = ctx.config.mode === 'lookahead';
  const send = (posts: ClaimedPost[]) =>
    sendPublishMessages(ctx.sqs, ctx.config.publishQueueUrl, posts, { now: ctx.now, delay: lookahead });

  const deadLetters = ctx.config.deadLetterQueueUrl
    ? await drainDeadLetters(ctx.sqs, ctx.config.deadLetterQueueUrl, (letter) => failDeadLetter(ctx, letter))
    : 0;

  const until = new Date(now.getTime() + (lookahead ? LOOK_AHEAD_MS : 0));
  const started = performance.now();
  let queued = 0;
  let missed = 0;
  let unsent = 0;
  let refused = false;
  const claimLoop = async () => {
    while (!refused) {
      const page = await claimDuePosts(ctx.db, { until, now, limit: CLAIM_PAGE }, send);
      queued += page.queued.length;
      missed += page.missed.length;
      unsent += page.unsent.length;
      for (const post of page.missed)
        ctx.logger.warn('post missed: too late for its late policy', { postId: post.id, scheduledAt: post.scheduledAt.toISOString() });
      const claimed = page.queued.length + page.missed.length + page.unsent.length;
      // A page with unsent posts stops every loop: the queue is refusing, the next tick retries them.
      if (page.unsent.length > 0) refused = true;
      if (claimed < CLAIM_PAGE || performance.now() - started > CLAIM_BUDGET_MS) break;
    }
  };
  await Promise.all(Array.from({ length: CLAIM_WORKERS }, claimLoop));
  const claimMs = Math.round(performance.now() - started);

  const reaped = await reapStuckPosts(ctx.db, { now, limit: CLAIM_PAGE }, send);
  for (const post of reaped.requeued) ctx.logger.warn('stuck post queued again', { postId: post.id, was: post.fromStatus });
  for (const post of reaped.crashed) ctx.logger.error('post failed: its publishers died too often', { postId: post.id });

  // Videos go to the PDS minutes ahead: the video service's job can take that long.
  const toPrepare = await findPostsToPrepareVideo(ctx.db, {
    now,
    until: new Date(now.getTime() + VIDEO_PREPARE_LEAD_SECONDS * 1000),
    limit: CLAIM_PAGE,
    // A blob stored this long ago is uploaded again (the PDS may have deleted it): ahead, too.
    readyBefore: new Date(now.getTime() - VIDEO_BLOB_MAX_AGE_SECONDS * 1000),
  });
  const videosToPrepare = toPrepare.length
    ? await sendPrepareVideoMessages(ctx.sqs, ctx.config.publishQueueUrl, toPrepare, now).catch((error: unknown) => {
        ctx.logger.warn('could not ask for videos to be prepared; the next tick asks again', { error: String(error) });
        return 0;
      })
    : 0;

  const result: TickResult = {
    at: now.toISOString(),
    mode: ctx.config.mode,
    queued,
    missed,
    unsent,
    requeued: reaped.requeued.length,
    crashed: reaped.crashed.length,
    deadLetters,
    videosToPrepare,
    claimMs,
  };
  ctx.logger.info('dispatcher tick', { ...result });
  return result;
}

export async function failDeadLetter(ctx: DispatcherContext, letter: DeadLetter): Promise<void> {
  if (!letter.message) {
    ctx.logger.error('dead letter that is not a publish message', {
      messageId: letter.messageId,
      receiveCount: letter.receiveCount,
      body: letter.body.slice(0, 200),
    });
    return;
  }
  const failed = await markCrashed(ctx.db, letter.message.postId, ctx.now());
  ctx.logger.error('dead letter: the publisher kept failing on this post', {
    postId: letter.message.postId,
    messageId: letter.messageId,
    receiveCount: letter.receiveCount,
    postMarkedFailed: failed,
  });
}
