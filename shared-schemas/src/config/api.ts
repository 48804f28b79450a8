import { z } from 'zod';
import { baseEnvShape, toDatabaseConfig } from './common';
import { positiveIntField } from './fields';

export const apiEnvSchema = z.object({
  ...baseEnvShape,
  SCHEDULE_MIN_LEAD_SECONDS: positiveIntField('how far ahead a post must be scheduled, in seconds', 30),
  SCHEDULE_MAX_AHEAD_DAYS: positiveIntField('how far ahead a post may be scheduled, in days', 365),
});
export const apiConfigSchema = apiEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  logLevel: env.LOG_LEVEL,
  schedule: { minLeadSeconds: env.SCHEDULE_MIN_LEAD_SECONDS, maxAheadDays: env.SCHEDULE_MAX_AHEAD_DAYS },
}));
export type ApiConfig = z.output<typeof apiConfigSchema>;
