import {
  type DispatcherConfig,
  dispatcherConfigSchema,
  type DispatcherSecrets,
  dispatcherSecretsSchema,
  parseConfig,
  type RedriveConfig,
  redriveConfigSchema,
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

/** `pnpm dlq:redrive`'s own variables: where the dispatcher's come from, and the log level. */
export const loadRedriveConfig = (env: Record<string, string | undefined> = process.env): RedriveConfig =>
  parseConfig(redriveConfigSchema, env);
