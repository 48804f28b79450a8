import { type PublisherConfig, parseConfig, publisherConfigSchema } from '@chronopost/shared-schemas';

/** Reads and validates the publisher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): PublisherConfig =>
  parseConfig(publisherConfigSchema, env);
