import * as z from 'zod';
import { awsEnvShape, baseEnvShape, metricsEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { checkOauthClientEnv, oauthClientEnvShape, toOauthClientConfig } from './oauth-client';
import { databaseSecrets, oauthClientSecrets } from './secrets';

/**
 * The token refresher renews users' sessions with the same OAuth client as the oauth service and
 * the publisher (a refresh token only works for its client).
 */
export const tokenRefresherEnvSchema = z
  .object({
    ...baseEnvShape,
    ...awsEnvShape,
    ...metricsEnvShape,
    ...oauthClientEnvShape,
  })
  .superRefine(checkOauthClientEnv);
export const tokenRefresherConfigSchema = tokenRefresherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  logLevel: env.LOG_LEVEL,
  metricsNamespace: env.METRICS_NAMESPACE,
  oauthClient: toOauthClientConfig(env),
}));
export type TokenRefresherConfig = z.output<typeof tokenRefresherConfigSchema>;

/** The token-refresher service's secrets, apart from its config (see secrets.ts). */
export const tokenRefresherSecretsSchema = tokenRefresherEnvSchema.transform((env) => ({
  ...databaseSecrets(env),
  ...oauthClientSecrets(env),
}));
export type TokenRefresherSecrets = z.output<typeof tokenRefresherSecretsSchema>;
