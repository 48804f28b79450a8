import type { NodeSavedSession, NodeSavedSessionStore } from '@atproto/oauth-client-node';
import { type Database, endOauthSession, loadOauthSession, markOauthSessionRefreshing, saveOauthSession } from '@chronopost/db';
import type { Vault } from '@chronopost/vault';
import { normalizePdsUrl } from './profile';

/** The OAuth client refreshes a token this close to its expiry (its own fixed margin). */
const REFRESH_MARGIN_MS = 10_000;

export const sessionContext = (did: string) => ({ did, purpose: 'oauth-session' });

/**
 * Sessions in Postgres (`oauth_sessions`), the whole saved session (token set and DPoP key) sealed
 * by the vault under `{ did, purpose }`. Reads happen under the refresh lock, so a read that returns
 * an expiring token is followed by this holder's refresh: the row says `refreshing` until the new
 * tokens are stored (`active`) or the session ends.
 */
export function createPostgresSessionStore(options: {
  db: Database;
  vault: Vault;
  clientId: string;
  now?: () => number;
}): NodeSavedSessionStore {
  const { db, vault, clientId } = options;
  const now = options.now ?? Date.now;
  return {
    async get(did: string) {
      const row = await loadOauthSession(db, did);
      if (!row) return undefined;
      const session = await vault.openJson<NodeSavedSession>(row, sessionContext(did));
      const expiresAt = session.tokenSet.expires_at ? Date.parse(session.tokenSet.expires_at) : undefined;
      if (expiresAt !== undefined && expiresAt < now() + REFRESH_MARGIN_MS) await markOauthSessionRefreshing(db, did);
      return session;
    },
    async set(did: string, session: NodeSavedSession) {
      const envelope = await vault.sealJson(session, sessionContext(did));
      await saveOauthSession(db, {
        did,
        clientId,
        ...envelope,
        accessExpiresAt: session.tokenSet.expires_at ? new Date(session.tokenSet.expires_at) : null,
        pdsUrl: normalizePdsUrl(session.tokenSet.aud),
      });
    },
    async del(did: string) {
      // The client gives the cause right after, through onSessionDeleted; until then, "expired".
      await endOauthSession(db, did, 'expired', 'session_unusable');
    },
  };
}
