import { parseConfig, type WebBuildConfig, webBuildConfigSchema } from '@chronopost/shared-schemas';

/** The web build's configuration (CHRONOPOST_API_URL), read and checked once, by `pnpm build` and Vite's config alike. */
export const loadWebBuildConfig = (env: Record<string, string | undefined> = process.env): WebBuildConfig =>
  parseConfig(webBuildConfigSchema, env);
