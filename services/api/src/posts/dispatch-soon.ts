import { LOOK_AHEAD_MS } from '@chronopost/core';
import { claimDuePosts, findPost, type PostWithItems } from '@chronopost/db';
import type { ApiContext } from '../context';

/**
 * The dispatcher claims, each minute, what falls due before its next tick. A post scheduled (or
 * retried) for sooner than that would wait for the tick and go out up to a minute late, so the
 * API claims it itself, the same way and in the same transaction shape as the tick: locked, sent
 * with its delay, then `queued`. If the queue cannot be reached the post simply stays `scheduled`
 * and the next tick sends it (late, but not lost).
 */
export async function dispatchIfDueSoon(ctx: ApiContext, post: PostWithItems): Promise<PostWithItems> {
  const queueUrl = ctx.config.publishQueueUrl;
  if (!queueUrl || post.status !== 'scheduled' || !post.nextAttemptAt) return post;
  const now = ctx.now();
  const until = new Date(now.getTime() + LOOK_AHEAD_MS);
  if (post.nextAttemptAt > until) return post;
  try {
    const [sqs, { sendPublishMessages }] = await Promise.all([ctx.sqs(), import('@chronopost/lambda-kit/publish-queue')]);
    const { queued } = await claimDuePosts(ctx.db, { until, now, limit: 1, ids: [post.id] }, (claimed) =>
      sendPublishMessages(sqs, queueUrl, claimed, { now: ctx.now, delay: true }),
    );
    if (queued.length === 0) return post;
    ctx.logger.info('post dispatched at once: due before the next tick', { postId: post.id, dueAt: post.nextAttemptAt.toISOString() });
    return (await findPost(ctx.db, post.ownerDid, post.id)) ?? post;
  } catch (error) {
    ctx.logger.warn('could not dispatch a post due soon; the next tick will', {
      postId: post.id,
      // Not `message`: Powertools' own key for the log line's text, it would drop ours.
      error: (error as Error).name,
      reason: (error as Error).message,
    });
    return post;
  }
}
