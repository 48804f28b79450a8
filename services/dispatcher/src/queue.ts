import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deliveryDelaySeconds } from '@chronopost/core';
import type { ClaimedPost } from '@chronopost/db';
import { type PublishMessage, publishMessageSchema } from '@chronopost/shared-schemas';

/** SendMessageBatch takes at most ten entries; this many batches are in flight at once. */
const BATCH = 10;
const CONCURRENT_BATCHES = 8;

export const publishMessageFor = (post: ClaimedPost, now: Date): PublishMessage => ({
  postId: post.id,
  action: post.fromStatus === 'retrying' ? 'retry' : 'publish',
  attempt: post.attempts + 1,
  requestedAt: now.toISOString(),
  scheduledAt: post.dueAt.toISOString(),
});

/**
 * One message per post, in batches of ten. With `delay`, each is delayed to arrive a few seconds
 * before its post is due (see `deliveryDelaySeconds`). Returns the ids of the posts whose message
 * the queue accepted; a batch that throws (the queue unreachable) throws.
 */
export async function sendPublishMessages(
  sqs: SQSClient,
  queueUrl: string,
  posts: ClaimedPost[],
  options: { now: () => Date; delay: boolean },
): Promise<Set<string>> {
  const batches: ClaimedPost[][] = [];
  for (let index = 0; index < posts.length; index += BATCH) batches.push(posts.slice(index, index + BATCH));
  const sent = new Set<string>();
  const work = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      const now = options.now();
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((post, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(publishMessageFor(post, now)),
            DelaySeconds: options.delay ? deliveryDelaySeconds(post.dueAt, now) : 0,
          })),
        }),
      );
      for (const entry of result.Successful ?? []) sent.add(batch[Number(entry.Id)]!.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_BATCHES, batches.length) }, work));
  return sent;
}

export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  /** Undefined when the body is not a publish message. */
  message: PublishMessage | undefined;
  body: string;
}

/**
 * Takes every message out of the dead-letter queue (up to `max`), hands each to `handle`, and
 * deletes it once handled. What a dead letter means is recorded by `handle` (the post fails with
 * class `crash`, with a log line naming it), so the queue needs to keep nothing.
 */
export async function drainDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  handle: (letter: DeadLetter) => Promise<void>,
  max = 100,
): Promise<number> {
  let drained = 0;
  while (drained < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - drained),
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const handled: Array<{ Id: string; ReceiptHandle: string }> = [];
    for (const [index, message] of messages.entries()) {
      let parsed: PublishMessage | undefined;
      try {
        parsed = publishMessageSchema.parse(JSON.parse(message.Body ?? ''));
      } catch {
        parsed = undefined;
      }
      await handle({
        messageId: message.MessageId ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        message: parsed,
        body: message.Body ?? '',
      });
      handled.push({ Id: String(index), ReceiptHandle: message.ReceiptHandle! });
    }
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: handled }));
    drained += messages.length;
  }
  return drained;
}
