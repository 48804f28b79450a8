import { type ApiConfig, apiConfigSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the api's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): ApiConfig => parseConfig(apiConfigSchema, env);
