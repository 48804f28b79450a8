import { type OauthConfig, oauthConfigSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the oauth service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): OauthConfig => parseConfig(oauthConfigSchema, env);
