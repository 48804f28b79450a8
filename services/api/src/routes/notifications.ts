import {
  countUnreadNotifications,
  dismissNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationRow,
} from '@chronopost/db';
import { authenticatedDid, json, NotFoundError, parseInput, type Route, ValidationError } from '@chronopost/lambda-kit';
import { type ListNotificationsResponse, listNotificationsQuerySchema, type Notification, renderMessage } from '@chronopost/shared-schemas';
import * as z from 'zod';
import type { ApiContext } from '../context';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A stored notification as the API shows it: code and params, and the English sentence. */
export function presentNotification(row: NotificationRow): Notification {
  const params = row.details as Record<string, unknown>;
  return {
    id: row.id,
    code: row.kind,
    params,
    message: renderMessage({ code: row.kind, params }),
    kind: row.kind,
    details: params,
    createdAt: row.createdAt.toISOString(),
    readAt: iso(row.readAt),
    dismissedAt: iso(row.dismissedAt),
  };
}

const cursorSchema = z.object({ c: z.iso.datetime(), i: z.uuid() });
const encodeCursor = (row: NotificationRow) =>
  Buffer.from(JSON.stringify({ c: row.createdAt.toISOString(), i: row.id })).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    const createdAt = new Date(parsed.c);
    if (createdAt.getUTCFullYear() < 1970 || createdAt.getUTCFullYear() > 9999) throw new Error('out of range');
    return { createdAt, id: parsed.i };
  } catch {
    throw new ValidationError([{ path: 'cursor', code: 'invalid_cursor' }]);
  }
}

/**
 * `GET /notifications` (newest first, with the unread count for the badge), and marking them read
 * or dismissed, one by one or all at once. Every query is scoped to the caller's DID.
 */
export const notificationRoutes = (ctx: ApiContext): Route[] => {
  const id = (event: Parameters<Route['handler']>[0]) => parseInput(z.uuid(), event.pathParameters?.id, [], 'id');
  const missing = () => new NotFoundError('notification_not_found', { path: 'id' });
  return [
    {
      method: 'GET',
      path: '/notifications',
      handler: async (event) => {
        const did = authenticatedDid(event);
        const query = parseInput(listNotificationsQuerySchema, event.queryStringParameters ?? {}, [], 'query');
        const [rows, unreadCount] = await Promise.all([
          listNotifications(ctx.db, did, {
            limit: query.limit + 1,
            includeDismissed: query.dismissed === 'true',
            ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
          }),
          countUnreadNotifications(ctx.db, did),
        ]);
        const page = rows.slice(0, query.limit);
        const body: ListNotificationsResponse = {
          notifications: page.map(presentNotification),
          unreadCount,
          nextCursor: rows.length > query.limit && page.length ? encodeCursor(page.at(-1)!) : null,
        };
        return json(200, body);
      },
    },
    {
      method: 'POST',
      path: '/notifications/read-all',
      handler: async (event) => {
        const did = authenticatedDid(event);
        const marked = await markAllNotificationsRead(ctx.db, did);
        return json(200, { marked, unreadCount: await countUnreadNotifications(ctx.db, did) });
      },
    },
    {
      method: 'POST',
      path: '/notifications/{id}/read',
      handler: async (event) => {
        const row = await markNotificationRead(ctx.db, authenticatedDid(event), id(event));
        if (!row) throw missing();
        return json(200, presentNotification(row));
      },
    },
    {
      method: 'POST',
      path: '/notifications/{id}/dismiss',
      handler: async (event) => {
        const row = await dismissNotification(ctx.db, authenticatedDid(event), id(event));
        if (!row) throw missing();
        return json(200, presentNotification(row));
      },
    },
  ];
};
