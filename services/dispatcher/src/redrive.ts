import { type ClaimedPost, listCrashedPosts, requeueCrashed } from '@chronopost/db';
import { sendPublishMessages } from '@chronopost/lambda-kit/publish-queue';
import type { DispatcherContext } from './context';
import { drainDeadLetters } from './queue';
import { failDeadLetter } from './tick';

export interface RedriveResult {
  /** Messages taken out of the dead-letter queue (their posts were marked crashed first). */
  deadLetters: number;
  /** Posts queued again, each with a new message. */
  requeued: string[];
}

/**
 * Re-drives the dead-letter queue once the cause of the crashes is fixed: what is still in the DLQ
 * is handled as a tick would (its posts fail with class `crash`), then the crashed posts — all of
 * them, or the ones named — go back to `queued` with a new message each. The publisher applies
 * their late policy as for any post, so a redrive after a long outage does not burst stale posts.
 */
export async function redrive(ctx: DispatcherContext, options: { postIds?: string[] } = {}): Promise<RedriveResult> {
  const deadLetters = ctx.config.deadLetterQueueUrl
    ? await drainDeadLetters(ctx.sqs, ctx.config.deadLetterQueueUrl, (letter) => failDeadLetter(ctx, letter), 10_000)
    : 0;
  const ids = options.postIds ?? (await listCrashedPosts(ctx.db, 10_000));
  const send = (posts: ClaimedPost[]) => sendPublishMessages(ctx.sqs, ctx.config.publishQueueUrl, posts, { now: ctx.now, delay: true });
  const requeued = await requeueCrashed(ctx.db, ids, send);
  for (const post of requeued) ctx.logger.info('crashed post queued again', { postId: post.id });
  return { deadLetters, requeued: requeued.map((post) => post.id) };
}
