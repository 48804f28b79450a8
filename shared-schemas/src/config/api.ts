import { z } from 'zod';
import { baseEnvShape, toDatabaseConfig } from './common';

export const apiEnvSchema = z.object({ ...baseEnvShape });
export const apiConfigSchema = apiEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  logLevel: env.LOG_LEVEL,
}));
export type ApiConfig = z.output<typeof apiConfigSchema>;
