import type { NodeSavedSession, NodeSavedSessionStore } from '@atproto/oauth-client-node';
import { normalizePdsUrl } from '@chronopost/bluesky';
import { type Database, endOauthSession, loadOauthSession, saveOauthSession } from '@chronopost/db';
import type { Vault } from '@chronopost/vault';

export const sessionContext = (did: string) => ({ did, purpose: 'oauth-session' });

/**
 * Sessions in Postgres (`oauth_sessions`), the whole saved session (token set and DPoP key) sealed
 * by the vault under `{ did, purpose }`. The OAuth client reads and refreshes under the refresh
 * lock (DynamoDB), which is what keeps two refreshes apart; the row itself is `active` until the
 * session ends, so a refresh that failed half-way leaves nothing behind that could stop the next.
 */
export function createPostgresSessionStore(options: { db: Database; vault: Vault; clientId: string }): NodeSavedSessionStore {
  const { db, vault, clientId } = options;
  return {
    async get(did: string) {
      const row = await loadOauthSession(db, did);
      if (!row) return undefined;
      return vault.openJson<NodeSavedSession>(row, sessionContext(did));
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
