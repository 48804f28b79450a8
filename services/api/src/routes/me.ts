import { describeOauthSession, findAccount, listNotifications } from '@chronopost/db';
import { authenticatedDid, json, NotFoundError, type Route } from '@chronopost/lambda-kit';
import type { MeResponse } from '@chronopost/shared-schemas';
import type { ApiContext } from '../context';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** `GET /me`: the caller's account, the state of its Bluesky session, and its latest notifications. */
export const meRoute = (ctx: ApiContext): Route => ({
  method: 'GET',
  path: '/me',
  handler: async (event) => {
    const did = authenticatedDid(event);
    const account = await findAccount(ctx.db, did);
    if (!account) throw new NotFoundError('No account for this login.', 'account_not_found');
    const [session, notifications] = await Promise.all([describeOauthSession(ctx.db, did), listNotifications(ctx.db, did)]);
    const body: MeResponse = {
      account: { did, handle: account.handle, displayName: account.displayName, avatarUrl: account.avatarUrl, pdsUrl: account.pdsUrl },
      session: session
        ? {
            state: session.state,
            accessExpiresAt: iso(session.accessExpiresAt),
            lastRefreshAt: iso(session.lastRefreshAt),
            endedAt: iso(session.endedAt),
            endReason: session.endReason,
          }
        : null,
      notifications: notifications.map((notification) => ({
        id: notification.id,
        kind: notification.kind,
        message: notification.message,
        details: notification.details as Record<string, unknown>,
        createdAt: notification.createdAt.toISOString(),
      })),
    };
    return json(200, body);
  },
});
