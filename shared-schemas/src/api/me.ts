import { SESSION_STATES } from '@chronopost/core';
import * as z from 'zod';
import { notificationSchema } from './notifications';

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
      state: z.enum(SESSION_STATES),
      accessExpiresAt: z.iso.datetime().nullable(),
      lastRefreshAt: z.iso.datetime().nullable(),
      endedAt: z.iso.datetime().nullable(),
      /** Why it ended, in English; `endReasonCode` is its catalogue code. */
      endReason: z.string().nullable(),
      endReasonCode: z.string().nullable(),
    })
    .nullable(),
  /** The latest notifications not dismissed (a session that ended and the posts it holds, …), newest first. */
  notifications: z.array(notificationSchema),
  unreadNotifications: z.int().nonnegative(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
