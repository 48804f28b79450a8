import { z } from 'zod';
import { awsEnvShape, baseEnvShape, metricsEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { booleanField, nameField, positiveIntField } from './fields';
import { checkOauthClientEnv, oauthClientEnvShape, toOauthClientConfig } from './oauth-client';

/**
 * The token refresher renews users' sessions with the same OAuth client as the oauth service and
 * the publisher (a refresh token only works for its client), and applies the retention policy.
 */
export const tokenRefresherEnvSchema = z
  .object({
    ...baseEnvShape,
    ...awsEnvShape,
    ...metricsEnvShape,
    ...oauthClientEnvShape,
    MEDIA_BUCKET: nameField('the name of the S3 bucket that holds uploaded images'),
    RETENTION_ENDED_SESSIONS_DAYS: positiveIntField('days an ended (expired or revoked) session is kept', 90),
    RETENTION_PUBLISHED_POSTS_DAYS: positiveIntField('days a published post is kept after publication', 30),
    RETENTION_FAILED_POSTS_DAYS: positiveIntField('days a failed post is kept after it failed', 7),
    RETENTION_ORPHAN_MEDIA_HOURS: positiveIntField('hours an upload no post refers to is kept', 24),
    /** Report what retention would delete, and delete nothing. */
    RETENTION_DRY_RUN: booleanField(false),
  })
  .superRefine(checkOauthClientEnv);
export const tokenRefresherConfigSchema = tokenRefresherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  logLevel: env.LOG_LEVEL,
  metricsNamespace: env.METRICS_NAMESPACE,
  oauthClient: toOauthClientConfig(env),
  mediaBucket: env.MEDIA_BUCKET,
  retention: {
    policy: {
      endedSessionsDays: env.RETENTION_ENDED_SESSIONS_DAYS,
      publishedPostsDays: env.RETENTION_PUBLISHED_POSTS_DAYS,
      failedPostsDays: env.RETENTION_FAILED_POSTS_DAYS,
      orphanMediaHours: env.RETENTION_ORPHAN_MEDIA_HOURS,
    },
    dryRun: env.RETENTION_DRY_RUN,
  },
}));
export type TokenRefresherConfig = z.output<typeof tokenRefresherConfigSchema>;
