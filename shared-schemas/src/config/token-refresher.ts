import { z } from 'zod';
import { baseEnvShape, toDatabaseConfig } from './common';

export const tokenRefresherEnvSchema = z.object({ ...baseEnvShape });
export const tokenRefresherConfigSchema = tokenRefresherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  logLevel: env.LOG_LEVEL,
}));
export type TokenRefresherConfig = z.output<typeof tokenRefresherConfigSchema>;
