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
  /** What the user must know without asking (a session that ended and the posts it holds, …), newest first. */
  notifications: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['session_ended', 'session_ends_soon', 'posts_resumed']),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
