import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deliveryDelaySeconds } from '@chronopost/core';
import pMap from 'p-map';
import type { PrepareVideoMessage, PublishMessage } from '@chronopost/shared-schemas';

/** What a publish message is made from: a post just claimed for publication. */
export interface QueuedPost {
  id: string;
  /** `retrying` posts go out as retries. */
  fromStatus: string;
  attempts: number;
  /** When it is due: its scheduled time, or its retry time. */
  dueAt: Date;
  /** Images its publisher will upload: the message arrives earlier by their time. */
  uploads?: number;
}

/** SendMessageBatch takes at most ten entries; this many batches are in flight at once. */
const BATCH = 10;
const CONCURRENT_BATCHES = 8;

export const publishMessageFor = (post: QueuedPost, now: Date): PublishMessage => ({
  postId: post.id,
  action: post.fromStatus === 'retrying' ? 'retry' : 'publish',
  attempt: post.attempts + 1,
  requestedAt: now.toISOString(),
  scheduledAt: post.dueAt.toISOString(),
});

/**
 * One message per post, in batches of ten. With `delay`, each is delayed to arrive a few seconds
 * before its post is due, more for a post with images to upload (see `deliveryDelaySeconds`). Returns the ids of the posts whose message
 * the queue accepted; a batch that throws (the queue unreachable) throws.
 */
export async function sendPublishMessages(
  sqs: SQSClient,
  queueUrl: string,
  posts: QueuedPost[],
  options: { now: () => Date; delay: boolean },
): Promise<Set<string>> {
  const batches: QueuedPost[][] = [];
  for (let index = 0; index < posts.length; index += BATCH) batches.push(posts.slice(index, index + BATCH));
  const sent = new Set<string>();
  await pMap(
    batches,
    async (batch) => {
      const now = options.now();
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((post, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(publishMessageFor(post, now)),
            DelaySeconds: options.delay ? deliveryDelaySeconds(post.dueAt, now, post.uploads) : 0,
          })),
        }),
      );
      for (const entry of result.Successful ?? []) sent.add(batch[Number(entry.Id)]!.id);
    },
    { concurrency: CONCURRENT_BATCHES },
  );
  return sent;
}

/**
 * `prepare_video` messages for these posts, undelayed (they ask the publisher to start a video's
 * upload now, minutes before the post is due). Best effort: a message the queue refuses is asked
 * for again on the next tick. Returns how many the queue accepted.
 */
export async function sendPrepareVideoMessages(sqs: SQSClient, queueUrl: string, postIds: string[], now: Date): Promise<number> {
  let sent = 0;
  for (let index = 0; index < postIds.length; index += BATCH) {
    const batch = postIds.slice(index, index + BATCH);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((postId, entry) => {
          const message: PrepareVideoMessage = { postId, action: 'prepare_video', requestedAt: now.toISOString() };
          return { Id: String(entry), MessageBody: JSON.stringify(message) };
        }),
      }),
    );
    sent += result.Successful?.length ?? 0;
  }
  return sent;
}
