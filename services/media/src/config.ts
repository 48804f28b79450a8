import { type MediaConfig, mediaConfigSchema, type MediaSecrets, mediaSecretsSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the media service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): MediaConfig => parseConfig(mediaConfigSchema, env);

/**
 * Reads the media service's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): MediaSecrets => parseConfig(mediaSecretsSchema, env);
