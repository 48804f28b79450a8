import {
  type DispatcherConfig,
  dispatcherConfigSchema,
  type DispatcherSecrets,
  dispatcherSecretsSchema,
  parseConfig,
} from '@chronopost/shared-schemas';

/** Reads and validates the dispatcher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): DispatcherConfig =>
  parseConfig(dispatcherConfigSchema, env);

/**
 * Reads the dispatcher's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): DispatcherSecrets =>
  parseConfig(dispatcherSecretsSchema, env);
