import {
  parseConfig,
  type PublisherConfig,
  publisherConfigSchema,
  type PublisherSecrets,
  publisherSecretsSchema,
} from '@chronopost/shared-schemas';

/** Reads and validates the publisher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): PublisherConfig =>
  parseConfig(publisherConfigSchema, env);

/**
 * Reads the publisher's secrets into their own object, apart from its config, once, at cold start: from
 * the environment that `resolveSecrets` filled from Secrets Manager (`SECRET_ARNS`) in AWS, from
 * the environment as it is locally.
 */
export const loadSecrets = (env: Record<string, string | undefined> = process.env): PublisherSecrets =>
  parseConfig(publisherSecretsSchema, env);
