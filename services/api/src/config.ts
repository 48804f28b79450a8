import { type ApiConfig, apiConfigSchema, type ApiSecrets, apiSecretsSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the api's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): ApiConfig => parseConfig(apiConfigSchema, env);

/**
 * Reads the api's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): ApiSecrets => parseConfig(apiSecretsSchema, env);
