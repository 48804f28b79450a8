import { countUnreadNotifications, describeOauthSession, listNotifications } from '@chronopost/db';
import { json, type Route } from '@chronopost/lambda-kit';
import { type MeResponse, renderMessage } from '@chronopost/shared-schemas';
import { requireAccount } from '../account';
import type { ApiContext } from '../context';
import { presentNotification } from './notifications';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** `GET /me`: the caller's account, the state of its Bluesky session, and its latest notifications. */
export const meRoute = (ctx: ApiContext): Route => ({
  method: 'GET',
  path: '/me',
  handler: async (event) => {
    const account = await requireAccount(ctx, event);
    const did = account.did;
    const [session, notifications, unread] = await Promise.all([
      describeOauthSession(ctx.db, did),
      listNotifications(ctx.db, did, { limit: 20 }),
      countUnreadNotifications(ctx.db, did),
    ]);
    const body: MeResponse = {
      account: { did, handle: account.handle, displayName: account.displayName, avatarUrl: account.avatarUrl, pdsUrl: account.pdsUrl },
      session: session
        ? {
            state: session.state,
            accessExpiresAt: iso(session.accessExpiresAt),
            lastRefreshAt: iso(session.lastRefreshAt),
            endedAt: iso(session.endedAt),
            endReason: session.endReason ? renderMessage({ code: session.endReason }) : null,
            endReasonCode: session.endReason,
          }
        : null,
      notifications: notifications.map(presentNotification),
      unreadNotifications: unread,
    };
    return json(200, body);
  },
});
