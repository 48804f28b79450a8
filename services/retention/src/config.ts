import {
  parseConfig,
  type RetentionConfig,
  retentionConfigSchema,
  type RetentionSecrets,
  retentionSecretsSchema,
} from '@chronopost/shared-schemas';

/** Reads and validates the retention service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): RetentionConfig =>
  parseConfig(retentionConfigSchema, env);

/**
 * Reads the retention service's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): RetentionSecrets =>
  parseConfig(retentionSecretsSchema, env);
