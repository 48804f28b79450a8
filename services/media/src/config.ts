import { type MediaConfig, mediaConfigSchema, parseConfig } from '@chronopost/shared-schemas';

/** Reads and validates the media service's environment, once, at cold start. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): MediaConfig => parseConfig(mediaConfigSchema, env);
