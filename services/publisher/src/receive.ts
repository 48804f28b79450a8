import { publisherMessageSchema } from '@chronopost/shared-schemas';
import type { Context, SQSRecord } from 'aws-lambda';
import type { PublisherContext } from './context';
import { publish, type PublishResult } from './publish';
import type { PrepareResult } from './video';

/** A message that can never be processed: it fails, and after maxReceiveCount it rests in the DLQ. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/**
 * Takes one message: validates it, then publishes its post (see `publish`) or starts its video's
 * upload ahead of time (see `prepareVideosAhead`).
 */
export async function receive(
  ctx: PublisherContext,
  record: SQSRecord,
  lambda: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<PublishResult | PrepareResult> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = publisherMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new MalformedMessageError(
      `message ${record.messageId} is not a publish message: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
  }
  // Records of a batch run in parallel on one logger, so the post id goes on each line, not on
  // the logger (appended keys would label one post's lines with another's id).
  const remainingMs = () => lambda.getRemainingTimeInMillis();
  if (parsed.data.action === 'prepare_video') {
    // Loaded with the first such message (see publish.ts): the video code stays out of the cold start.
    const { prepareVideosAhead } = await import('./video');
    return prepareVideosAhead(ctx, parsed.data, { remainingMs });
  }
  return publish(ctx, parsed.data, { remainingMs });
}
