import { parseConfig, type RetentionConfig, retentionConfigSchema } from '@chronopost/shared-schemas';

/** Reads and validates the retention service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): RetentionConfig =>
  parseConfig(retentionConfigSchema, env);
