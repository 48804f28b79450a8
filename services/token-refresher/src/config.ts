import {
  parseConfig,
  type TokenRefresherConfig,
  tokenRefresherConfigSchema,
  type TokenRefresherSecrets,
  tokenRefresherSecretsSchema,
} from '@chronopost/shared-schemas';

/** Reads and validates the token refresher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): TokenRefresherConfig =>
  parseConfig(tokenRefresherConfigSchema, env);

/**
 * Reads the token refresher's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): TokenRefresherSecrets =>
  parseConfig(tokenRefresherSecretsSchema, env);
