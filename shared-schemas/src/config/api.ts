import * as z from 'zod';
import { awsEnvShape, baseEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { httpUrlField, nameField, positiveIntField, privateOriginsField } from './fields';
import { identityEnvShape, toIdentityConfig } from './oauth-client';
import { databaseSecrets } from './secrets';

export const apiEnvSchema = z.object({
  ...baseEnvShape,
  ...awsEnvShape,
  /** Mentions are checked with the same identity resolution as publication uses. */
  ...identityEnvShape,
  SCHEDULE_MIN_LEAD_SECONDS: positiveIntField('how far ahead a post must be scheduled, in seconds', 30),
  SCHEDULE_MAX_AHEAD_DAYS: positiveIntField('how far ahead a post may be scheduled, in days', 365),
  /**
   * The publish queue. With it, a post that falls due before the dispatcher's next tick could
   * claim it in time is dispatched by the API at once; without it, such a post waits for the tick
   * (up to a minute late).
   */
  PUBLISH_QUEUE_URL: httpUrlField('the URL of the SQS publish queue').optional(),
  /** As the dispatcher's: in `naive` mode the API dispatches nothing itself. */
  DISPATCH_MODE: z.enum(['lookahead', 'naive'], { error: 'must be lookahead or naive' }).default('lookahead'),
  /** Where uploads go (the API hands out upload forms and preview URLs; it never carries the bytes). */
  MEDIA_BUCKET: nameField('the name of the S3 media bucket'),
  /** Origins link previews may fetch although they are private (a local test site); empty in AWS. */
  FETCH_ALLOW_PRIVATE_ORIGINS: privateOriginsField,
});
export const apiConfigSchema = apiEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  logLevel: env.LOG_LEVEL,
  identity: toIdentityConfig(env),
  schedule: { minLeadSeconds: env.SCHEDULE_MIN_LEAD_SECONDS, maxAheadDays: env.SCHEDULE_MAX_AHEAD_DAYS },
  /** Where to send posts due too soon for the next tick; undefined: leave them to the tick. */
  publishQueueUrl: env.DISPATCH_MODE === 'lookahead' ? env.PUBLISH_QUEUE_URL : undefined,
  mediaBucket: env.MEDIA_BUCKET,
  fetchAllowPrivateOrigins: env.FETCH_ALLOW_PRIVATE_ORIGINS,
}));
export type ApiConfig = z.output<typeof apiConfigSchema>;

/** The api service's secrets, apart from its config (see secrets.ts). */
export const apiSecretsSchema = apiEnvSchema.transform(databaseSecrets);
export type ApiSecrets = z.output<typeof apiSecretsSchema>;
