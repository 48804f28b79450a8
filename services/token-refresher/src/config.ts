import { type TokenRefresherConfig, parseConfig, tokenRefresherConfigSchema } from '@chronopost/shared-schemas';

/** Reads and validates the token refresher's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): TokenRefresherConfig =>
  parseConfig(tokenRefresherConfigSchema, env);
