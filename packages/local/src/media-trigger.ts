import { UPLOAD_PREFIX } from '@chronopost/core';
import type { Logger } from '@chronopost/lambda-kit';
import type { S3Event } from 'aws-lambda';
import { invoke, type LambdaFunction } from './lambda-context';
import type { LocalS3 } from './s3';

/**
 * The media bucket's notification, as in AWS: every object created under the upload prefix
 * invokes the media Lambda (its own processed images, elsewhere in the bucket, must not trigger it
 * again). Used by `pnpm dev` and by the browser tests' rig, so both process uploads the same way.
 * `stop()` waits for the invocations still running.
 */
export function startMediaTrigger(options: {
  s3: Pick<LocalS3, 'onObjectCreated'>;
  handler: LambdaFunction<S3Event, unknown>;
  timeoutMs: number;
  logger: Logger;
}): { stop(): Promise<void> } {
  const runs = new Set<Promise<unknown>>();
  let stopped = false;
  options.s3.onObjectCreated((event) => {
    const records = event.Records.filter((record) => record.s3.object.key.startsWith(UPLOAD_PREFIX));
    if (stopped || records.length === 0) return;
    const run = invoke('media', options.handler, { Records: records }, options.timeoutMs).catch((error: unknown) =>
      options.logger.error('media invocation failed', { error }),
    );
    runs.add(run);
    void run.finally(() => runs.delete(run));
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.allSettled([...runs]);
    },
  };
}
