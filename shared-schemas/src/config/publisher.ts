import { z } from 'zod';
import { baseEnvShape, toDatabaseConfig } from './common';

export const publisherEnvSchema = z.object({ ...baseEnvShape });
export const publisherConfigSchema = publisherEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  logLevel: env.LOG_LEVEL,
}));
export type PublisherConfig = z.output<typeof publisherConfigSchema>;
