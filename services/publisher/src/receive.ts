import { publishMessageSchema } from '@chronopost/shared-schemas';
import type { Context, SQSRecord } from 'aws-lambda';
import type { PublisherContext } from './context';
import { publish, type PublishResult } from './publish';

/** A message that can never be processed: it fails, and after maxReceiveCount it rests in the DLQ. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** Takes one publish message: validates it, then publishes its post (see `publish`). */
export async function receive(ctx: PublisherContext, record: SQSRecord, lambda: Pick<Context, 'getRemainingTimeInMillis'>): Promise<PublishResult> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = publishMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new MalformedMessageError(
      `message ${record.messageId} is not a publish message: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
  }
  ctx.logger.appendKeys({ postId: parsed.data.postId });
  try {
    return await publish(ctx, parsed.data, { remainingMs: () => lambda.getRemainingTimeInMillis() });
  } finally {
    ctx.logger.removeKeys(['postId']);
  }
}
