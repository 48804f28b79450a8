import { createS3Handler } from '@chronopost/lambda-kit';
import type { MediaContext } from './context';
import { decodeS3Key } from './s3-key';
import { processUpload } from './pipeline';

export { loadConfig, loadSecrets } from './config';
export { createContext, type MediaContext } from './context';
export { processUpload, type UploadOutcome } from './pipeline';

/** The media Lambda: S3 ObjectCreated notifications for `uploads/` in the media bucket. */
export const makeHandler = (ctx: MediaContext) =>
  createS3Handler({
    logger: ctx.logger,
    processRecord: async (record) => {
      await processUpload(ctx, record.s3.bucket.name, decodeS3Key(record.s3.object.key));
    },
  });
