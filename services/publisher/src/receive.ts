import { findPostStatus } from '@chronopost/db';
import { publishMessageSchema } from '@chronopost/shared-schemas';
import type { SQSRecord } from 'aws-lambda';
import type { PublisherContext } from './context';

/** A message that can never be processed: it fails, and after maxReceiveCount it rests in the DLQ. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

export type ReceiveOutcome = { outcome: 'received'; postId: string; status: string } | { outcome: 'unknown-post'; postId: string };

/**
 * Takes one publish message. For now it validates the message and finds its post; publishing
 * itself arrives with the dispatch-and-publish issue.
 */
export async function receive(ctx: PublisherContext, record: SQSRecord): Promise<ReceiveOutcome> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = publishMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new MalformedMessageError(`message ${record.messageId} is not a publish message: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  }
  const message = parsed.data;
  const post = await findPostStatus(ctx.db, message.postId);
  if (!post) {
    // The post was deleted after it was queued: nothing to publish, acknowledge the message.
    ctx.logger.warn('publish message for an unknown post', { messageId: record.messageId, postId: message.postId });
    return { outcome: 'unknown-post', postId: message.postId };
  }
  ctx.logger.info('publish message received', {
    messageId: record.messageId,
    postId: message.postId,
    action: message.action,
    attempt: message.attempt,
    status: post.status,
  });
  return { outcome: 'received', postId: message.postId, status: post.status };
}
