import { z } from 'zod';
import { awsEnvShape, baseEnvShape, metricsEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { checkOauthClientEnv, oauthClientEnvShape, toOauthClientConfig } from './oauth-client';

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
