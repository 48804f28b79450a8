import * as z from 'zod';
import { awsEnvShape, baseEnvShape, metricsEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { httpUrlField } from './fields';
import { databaseSecrets } from './secrets';

export const dispatcherEnvSchema = z.object({
  ...baseEnvShape,
  ...awsEnvShape,
  ...metricsEnvShape,
  PUBLISH_QUEUE_URL: httpUrlField('the URL of the SQS publish queue'),
  PUBLISH_DLQ_URL: httpUrlField("the URL of the publish queue's dead-letter queue").optional(),
  /**
   * `lookahead` (the product): queue what falls due before the next tick, each message delayed to
   * its second. `naive`: queue only what is already due, as a cron-minute scheduler does; it exists
   * so benchmarks can compare the two.
   */
  DISPATCH_MODE: z.enum(['lookahead', 'naive'], { error: 'must be lookahead or naive' }).default('lookahead'),
});
export const dispatcherConfigSchema = dispatcherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  publishQueueUrl: env.PUBLISH_QUEUE_URL,
  deadLetterQueueUrl: env.PUBLISH_DLQ_URL,
  mode: env.DISPATCH_MODE,
  logLevel: env.LOG_LEVEL,
  metricsNamespace: env.METRICS_NAMESPACE,
}));
export type DispatcherConfig = z.output<typeof dispatcherConfigSchema>;

/** The dispatcher service's secrets, apart from its config (see secrets.ts). */
export const dispatcherSecretsSchema = dispatcherEnvSchema.transform(databaseSecrets);
export type DispatcherSecrets = z.output<typeof dispatcherSecretsSchema>;
