import * as z from 'zod';
import { NOTIFICATION_CODES } from '../messages';

/** A notification: a catalogue `code` with its `params`, rendered in English as `message`. */
export const notificationSchema = z.object({
  id: z.uuid(),
  code: z.enum(NOTIFICATION_CODES),
  params: z.record(z.string(), z.unknown()),
  message: z.string(),
  /** The same as `code` and `params` (the names `GET /me` has always used). */
  kind: z.enum(NOTIFICATION_CODES),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
  dismissedAt: z.iso.datetime().nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

/** `GET /notifications`: newest first, dismissed ones left out unless asked for. */
export const listNotificationsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    /** `true`: include dismissed notifications too. */
    dismissed: z.enum(['true', 'false']).default('false'),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const listNotificationsResponseSchema = z.object({
  notifications: z.array(notificationSchema),
  /** Not yet read and not dismissed, over all pages: the badge. */
  unreadCount: z.int().nonnegative(),
  nextCursor: z.string().nullable(),
});
export type ListNotificationsResponse = z.infer<typeof listNotificationsResponseSchema>;

/** `POST /notifications/read-all`. */
export const readAllNotificationsResponseSchema = z.object({ marked: z.int().nonnegative(), unreadCount: z.int().nonnegative() });
