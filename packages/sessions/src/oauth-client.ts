import type { NodeOAuthClient, NodeSavedStateStore } from '@atproto/oauth-client-node';
import { clientMetadata, createOAuthClient, type Lock } from '@chronopost/bluesky';
import type { Database } from '@chronopost/db';
import type { OauthClientConfig, OauthClientSecrets } from '@chronopost/shared-schemas';
import type { Vault } from '@chronopost/vault';
import { onSessionDeleted, type SessionEnded } from './session-ended';
import { createPostgresSessionStore } from './session-store-postgres';

/**
 * The OAuth client of a service acting for Chronopost's users: sessions sealed in Postgres, refreshes
 * under the shared lock, and a session the client gives up ended with its posts held.
 */
export function createAccountsOAuthClient(
  config: OauthClientConfig,
  secrets: OauthClientSecrets,
  deps: {
    db: Database;
    vault: Vault;
    lock: Lock;
    stateStore?: NodeSavedStateStore;
    /** The SSRF-safe fetch (`createAtprotoFetch`): the client fetches addresses users choose. */
    fetch: typeof globalThis.fetch;
    now?: () => Date;
    onSessionEnded?: (did: string, ended: SessionEnded) => void | Promise<void>;
  },
): Promise<NodeOAuthClient> {
  const now = deps.now ?? (() => new Date());
  return createOAuthClient(config, secrets, {
    sessionStore: createPostgresSessionStore({ db: deps.db, vault: deps.vault, clientId: clientMetadata(config).client_id }),
    ...(deps.stateStore ? { stateStore: deps.stateStore } : {}),
    lock: deps.lock,
    fetch: deps.fetch,
    onSessionDeleted: onSessionDeleted({
      db: deps.db,
      clientKind: config.mode,
      now,
      ...(deps.onSessionEnded ? { onEnded: deps.onSessionEnded } : {}),
    }),
  });
}
