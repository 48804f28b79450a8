import { type DispatcherConfig, dispatcherConfigSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the dispatcher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): DispatcherConfig =>
  parseConfig(dispatcherConfigSchema, env);
