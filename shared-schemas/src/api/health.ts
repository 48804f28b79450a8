import * as z from 'zod';

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    reachable: z.boolean(),
    schema: z.string(),
    latencyMs: z.number().optional(),
    /** Tag of the newest migration applied to this schema, or null when none is. */
    migration: z.string().nullable(),
    /** Migrations this build knows of that the schema has not applied yet. */
    pendingMigrations: z.number().int(),
    error: z.string().optional(),
  }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
