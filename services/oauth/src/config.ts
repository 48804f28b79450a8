import { type OauthConfig, oauthConfigSchema, type OauthSecrets, oauthSecretsSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the oauth service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): OauthConfig => parseConfig(oauthConfigSchema, env);

/**
 * Reads the oauth service's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): OauthSecrets => parseConfig(oauthSecretsSchema, env);
