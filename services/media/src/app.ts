import { createS3Handler } from '@chronopost/lambda-kit';
import type { MediaContext } from './context';
import { inspectUpload } from './inspect';

export { loadConfig } from './config';
export { createContext, type MediaContext } from './context';

/** The media Lambda: S3 ObjectCreated notifications from the media bucket. */
export const makeHandler = (ctx: MediaContext) =>
  createS3Handler({
    logger: ctx.logger,
    processRecord: async (record) => {
      await inspectUpload(ctx, record);
    },
  });
