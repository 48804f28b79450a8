import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Database, reapStuckPosts } from '@chronopost/db';
import { sendPublishMessages } from '@chronopost/lambda-kit/publish-queue';

/**
 * After a restart of the local runtime, before anything publishes: the SQS stand-in lives in this
 * process, so the messages of every `queued` post went with the previous process, and no publisher
 * of that process is alive to finish a `publishing` one. Each such post gets a new message at once
 * (delayed to its second if that is still to come; one that an earlier attempt wrote is found
 * written by the publisher, not written twice). In AWS the queue outlives a crash and its
 * visibility timeout brings the message back (docs/architecture.md, "Timings"); the dispatcher's
 * reaper is the backstop of both. Returns how many posts were queued again, and failed for having
 * crashed their publishers too often.
 */
export async function recoverAfterRestart(
  db: Database,
  queue: { sqs: SQSClient; queueUrl: string },
  now: () => Date = () => new Date(),
): Promise<{ requeued: number; crashed: number }> {
  const PAGE = 500;
  let requeued = 0;
  let crashed = 0;
  for (;;) {
    const page = await reapStuckPosts(db, { now: now(), limit: PAGE, all: true }, (posts) =>
      sendPublishMessages(queue.sqs, queue.queueUrl, posts, { now, delay: true }),
    );
    requeued += page.requeued.length;
    crashed += page.crashed.length;
    if (page.requeued.length + page.crashed.length < PAGE) return { requeued, crashed };
  }
}
