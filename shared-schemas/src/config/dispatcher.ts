import { z } from 'zod';
import { awsEnvShape, baseEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { httpUrlField } from './fields';

export const dispatcherEnvSchema = z.object({
  ...baseEnvShape,
  ...awsEnvShape,
  PUBLISH_QUEUE_URL: httpUrlField('the URL of the SQS publish queue'),
});
export const dispatcherConfigSchema = dispatcherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  publishQueueUrl: env.PUBLISH_QUEUE_URL,
  logLevel: env.LOG_LEVEL,
}));
export type DispatcherConfig = z.output<typeof dispatcherConfigSchema>;
