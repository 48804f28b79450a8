import * as z from 'zod';
import { awsEnvShape, baseEnvShape, metricsEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { nameField } from './fields';
import { checkOauthClientEnv, oauthClientEnvShape, toOauthClientConfig } from './oauth-client';
import { databaseSecrets, oauthClientSecrets } from './secrets';
import { toVideoServiceConfig, videoServiceEnvShape } from './video';

/**
 * The publisher acts on users' accounts with their OAuth sessions, so it builds the same OAuth
 * client as the oauth service (same client id and keys: a refresh token only works for its client).
 */
export const publisherEnvSchema = z
  .object({
    ...baseEnvShape,
    ...awsEnvShape,
    ...metricsEnvShape,
    ...oauthClientEnvShape,
    MEDIA_BUCKET: nameField('the name of the S3 bucket that holds uploaded images'),
    ...videoServiceEnvShape,
  })
  .superRefine(checkOauthClientEnv);
export const publisherConfigSchema = publisherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  logLevel: env.LOG_LEVEL,
  metricsNamespace: env.METRICS_NAMESPACE,
  oauthClient: toOauthClientConfig(env),
  mediaBucket: env.MEDIA_BUCKET,
  videoService: toVideoServiceConfig(env),
}));
export type PublisherConfig = z.output<typeof publisherConfigSchema>;

/** The publisher service's secrets, apart from its config (see secrets.ts). */
export const publisherSecretsSchema = publisherEnvSchema.transform((env) => ({ ...databaseSecrets(env), ...oauthClientSecrets(env) }));
export type PublisherSecrets = z.output<typeof publisherSecretsSchema>;
