import * as z from 'zod';
import { awsEnvShape, baseEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { booleanField, nameField, positiveIntField } from './fields';
import { databaseSecrets } from './secrets';

/** The retention service deletes, once a day, what has been kept long enough (and the S3 objects of orphaned uploads). */
export const retentionEnvSchema = z.object({
  ...baseEnvShape,
  ...awsEnvShape,
  MEDIA_BUCKET: nameField('the name of the S3 bucket that holds uploaded images'),
  RETENTION_ENDED_SESSIONS_DAYS: positiveIntField('days an ended (expired or revoked) session is kept', 90),
  RETENTION_PUBLISHED_POSTS_DAYS: positiveIntField('days a published post is kept after publication', 30),
  RETENTION_FAILED_POSTS_DAYS: positiveIntField('days a failed post is kept after it failed', 7),
  // Missed posts are, like failed ones, posts that did not go out and that their author may retry:
  // one period for both. Cancelled posts were deleted by their author: kept only as long as the
  // others that did not go out, so that a deletion is really one within a week.
  RETENTION_MISSED_POSTS_DAYS: positiveIntField('days a missed post is kept after it was missed', 7),
  RETENTION_CANCELLED_POSTS_DAYS: positiveIntField('days a cancelled (deleted) post is kept after it was cancelled', 7),
  RETENTION_ORPHAN_MEDIA_HOURS: positiveIntField('hours an upload no post refers to is kept', 24),
  // A notification the user has seen did its job: kept a month as the list's history. One never
  // seen is kept as long as an ended session, the longest anything it can be about is kept.
  RETENTION_SEEN_NOTIFICATIONS_DAYS: positiveIntField('days a read or dismissed notification is kept after it was first seen', 30),
  RETENTION_UNSEEN_NOTIFICATIONS_DAYS: positiveIntField('days a notification never read nor dismissed is kept', 90),
  /** Report what retention would delete, and delete nothing. */
  RETENTION_DRY_RUN: booleanField(false),
});
export const retentionConfigSchema = retentionEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  logLevel: env.LOG_LEVEL,
  mediaBucket: env.MEDIA_BUCKET,
  policy: {
    endedSessionsDays: env.RETENTION_ENDED_SESSIONS_DAYS,
    publishedPostsDays: env.RETENTION_PUBLISHED_POSTS_DAYS,
    failedPostsDays: env.RETENTION_FAILED_POSTS_DAYS,
    missedPostsDays: env.RETENTION_MISSED_POSTS_DAYS,
    cancelledPostsDays: env.RETENTION_CANCELLED_POSTS_DAYS,
    orphanMediaHours: env.RETENTION_ORPHAN_MEDIA_HOURS,
    seenNotificationsDays: env.RETENTION_SEEN_NOTIFICATIONS_DAYS,
    unseenNotificationsDays: env.RETENTION_UNSEEN_NOTIFICATIONS_DAYS,
  },
  dryRun: env.RETENTION_DRY_RUN,
}));
export type RetentionConfig = z.output<typeof retentionConfigSchema>;

/** The retention service's secrets, apart from its config (see secrets.ts). */
export const retentionSecretsSchema = retentionEnvSchema.transform(databaseSecrets);
export type RetentionSecrets = z.output<typeof retentionSecretsSchema>;
