import { z } from 'zod';
import { baseEnvShape, toDatabaseConfig } from './common';

export const oauthEnvSchema = z.object({ ...baseEnvShape });
export const oauthConfigSchema = oauthEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  logLevel: env.LOG_LEVEL,
}));
export type OauthConfig = z.output<typeof oauthConfigSchema>;
