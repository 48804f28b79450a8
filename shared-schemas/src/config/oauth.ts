import * as z from 'zod';
import { awsEnvShape, baseEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { httpUrlField, nameField, positiveIntField, privateJwksField } from './fields';
import { checkOauthClientEnv, oauthClientEnvShape, toOauthClientConfig } from './oauth-client';
import { databaseSecrets, oauthClientSecrets } from './secrets';

export const oauthEnvSchema = z
  .object({
    ...baseEnvShape,
    ...awsEnvShape,
    ...oauthClientEnvShape,
    OAUTH_STATE_TABLE: nameField('the DynamoDB table of pending logins'),
    /** Where the web app lives: login return URLs must be on it, and CORS allows it. */
    WEB_ORIGIN: httpUrlField('the origin of the web app').optional(),
    APP_JWT_PRIVATE_KEYS: privateJwksField("the app's RS256 signing keys for access tokens"),
    APP_JWT_AUDIENCE: z.string().min(1).default('chronopost-api'),
    APP_ACCESS_TOKEN_TTL_SECONDS: positiveIntField('lifetime of app access tokens', 900),
    APP_REFRESH_TOKEN_TTL_DAYS: positiveIntField('lifetime of app refresh cookies', 30),
    LOGIN_RATE_LIMIT: positiveIntField('login starts per client IP per 10 minutes', 20),
  })
  .superRefine(checkOauthClientEnv);

export const oauthConfigSchema = oauthEnvSchema.transform((env) => {
  const oauthClient = toOauthClientConfig(env);
  return {
    database: toDatabaseConfig(env),
    aws: toAwsConfig(env),
    logLevel: env.LOG_LEVEL,
    oauthClient,
    stateTable: env.OAUTH_STATE_TABLE,
    webOrigin: new URL(env.WEB_ORIGIN ?? oauthClient.publicUrl).origin,
    appTokens: {
      issuer: oauthClient.publicUrl,
      audience: env.APP_JWT_AUDIENCE,
      accessTtlSeconds: env.APP_ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlMs: env.APP_REFRESH_TOKEN_TTL_DAYS * 24 * 3600 * 1000,
    },
    loginRateLimit: env.LOGIN_RATE_LIMIT,
  };
});
export type OauthConfig = z.output<typeof oauthConfigSchema>;

/** The oauth service's secrets, apart from its config (see secrets.ts). */
export const oauthSecretsSchema = oauthEnvSchema.transform((env) => ({
  ...databaseSecrets(env),
  ...oauthClientSecrets(env),
  /** The app's RS256 signing keys for access tokens. */
  appJwtPrivateKeys: env.APP_JWT_PRIVATE_KEYS,
}));
export type OauthSecrets = z.output<typeof oauthSecretsSchema>;
