import { createSqsHandler } from '@chronopost/lambda-kit';
import type { PublisherContext } from './context';
import { receive } from './receive';

export { loadConfig } from './config';
export { createContext, type PublisherContext } from './context';

/** The publisher Lambda: batches from the publish queue, partial batch failures reported. */
export const makeHandler = (ctx: PublisherContext) =>
  createSqsHandler({
    logger: ctx.logger,
    processRecord: async (record, context) => {
      await receive(ctx, record, context);
    },
  });
export { publish, type PublishResult } from './publish';
