import { createSqsHandler } from '@chronopost/lambda-kit';
import { METRIC_NAMES, publishMessageSchema } from '@chronopost/shared-schemas';
import type { SQSRecord } from 'aws-lambda';
import type { PublisherContext } from './context';
import type { PublishResult } from './publish';
import type { PrepareResult } from './video';
import { receive } from './receive';

export { loadConfig, loadSecrets } from './config';
export { createContext, type PublisherContext } from './context';

/** The publisher Lambda: batches from the publish queue, partial batch failures reported. */
export const makeHandler = (ctx: PublisherContext) =>
  createSqsHandler({
    logger: ctx.logger,
    processRecord: async (record, context) => {
      recordOutcome(ctx, record, await receive(ctx, record, context));
    },
  });

/** What one message came to, as metrics (the message was valid, or receive would have thrown). */
function recordOutcome(ctx: PublisherContext, record: SQSRecord, result: PublishResult | PrepareResult): void {
  if (result.outcome === 'published') {
    ctx.metrics.count(METRIC_NAMES.postsPublished);
    // From the scheduled second to the end of this publication, as seen by the publisher.
    const { scheduledAt } = publishMessageSchema.parse(JSON.parse(record.body));
    ctx.metrics.milliseconds(METRIC_NAMES.publishLatenessMs, Math.max(0, ctx.now().getTime() - Date.parse(scheduledAt)));
  } else if (result.outcome === 'already_published') {
    // Found written by an earlier attempt: published, at a time this attempt did not see.
    ctx.metrics.count(METRIC_NAMES.postsPublished);
  } else if (result.outcome === 'failed') {
    ctx.metrics.count(METRIC_NAMES.postsFailed);
  } else if (result.outcome === 'missed') {
    ctx.metrics.count(METRIC_NAMES.postsMissed);
  }
  ctx.metrics.flush();
}
export { publish, type PublishResult } from './publish';
