import { z } from 'zod';

export const meResponseSchema = z.object({
  account: z.object({
    did: z.string(),
    handle: z.string(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    pdsUrl: z.string(),
  }),
  session: z
    .object({
      state: z.enum(['active', 'refreshing', 'expired', 'revoked']),
      accessExpiresAt: z.iso.datetime().nullable(),
      lastRefreshAt: z.iso.datetime().nullable(),
      endedAt: z.iso.datetime().nullable(),
      endReason: z.string().nullable(),
    })
    .nullable(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
