import {
  JoseKey,
  NodeOAuthClient,
  type NodeSavedSessionStore,
  type NodeSavedStateStore,
  OAuthResponseError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-node';
import { classifySessionEnd, type SessionEndCause } from '@chronopost/core';
import { type Database, describeOauthSession, endOauthSession, endSessionAndBlockPosts } from '@chronopost/db';
import type { OauthClientConfig } from '@chronopost/shared-schemas';
import type { Vault } from '@chronopost/vault';
import { type Lock, toRequestLock } from './lock';
import { createPostgresSessionStore } from './session-store-postgres';

/**
 * `atproto transition:generic`: `atproto` is required of every AT Protocol OAuth client, and
 * `transition:generic` grants what an app password would (create records, upload blobs), which
 * posting threads with images, threadgates and postgates needs. It is what PDSes support widely
 * today; granular `repo:`/`blob:` scopes can replace it once they are.
 */
export const OAUTH_SCOPE = 'atproto transition:generic';

export const callbackUrl = (config: Pick<OauthClientConfig, 'publicUrl'>) => `${config.publicUrl}/oauth/callback`;

/** The client metadata this deployment publishes (confidential) or implies (loopback). */
export function clientMetadata(config: OauthClientConfig) {
  const redirectUri = callbackUrl(config);
  const common = {
    client_name: config.clientName,
    redirect_uris: [redirectUri] as [string],
    scope: OAUTH_SCOPE,
    grant_types: ['authorization_code', 'refresh_token'] as ['authorization_code', 'refresh_token'],
    response_types: ['code'] as ['code'],
    application_type: 'web' as const,
    dpop_bound_access_tokens: true,
  };
  if (config.mode === 'loopback') {
    return {
      ...common,
      client_id: `http://localhost?redirect_uri=${encodeURIComponent(redirectUri)}&scope=${encodeURIComponent(OAUTH_SCOPE)}`,
      token_endpoint_auth_method: 'none' as const,
    };
  }
  return {
    ...common,
    client_id: `${config.publicUrl}/oauth/client-metadata.json`,
    client_uri: config.publicUrl,
    token_endpoint_auth_method: 'private_key_jwt' as const,
    token_endpoint_auth_signing_alg: 'ES256',
    jwks_uri: `${config.publicUrl}/oauth/jwks.json`,
  };
}

/** A new ES256 key for a confidential client (local runs and tests; AWS takes its keys from configuration). */
export async function generateClientKey(kid = `client-${Date.now().toString(36)}`): Promise<Record<string, unknown> & { kid: string }> {
  const key = await JoseKey.generate(['ES256'], kid);
  return { ...(key.privateJwk as Record<string, unknown>), kid };
}

/** Maps what the OAuth client reports when it gives up a session to our causes. */
export function sessionEndCause(cause: unknown): SessionEndCause {
  if (cause instanceof TokenRevokedError) return 'revoked-by-us';
  if (cause instanceof TokenRefreshError && cause.cause instanceof OAuthResponseError && cause.cause.error === 'invalid_grant') {
    return 'refresh-rejected';
  }
  return 'unusable';
}

export interface OAuthClientDeps {
  db: Database;
  /** Pending logins; services that never start one (publisher, token refresher) leave it out. */
  stateStore?: NodeSavedStateStore;
  /** Defaults to the Postgres session store, sealed by `vault`. */
  sessionStore?: NodeSavedSessionStore;
  vault?: Vault;
  lock: Lock;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  onSessionEnded?: (did: string, outcome: { state: 'expired' | 'revoked'; reason: string; blockedPosts: number }) => void | Promise<void>;
}

/** For services that only use existing sessions: a login started there is a bug, said loudly. */
const noLoginsStateStore: NodeSavedStateStore = {
  get: async () => undefined,
  set: async () => {
    throw new Error('this service does not start logins (only the oauth service does)');
  },
  del: async () => undefined,
};

/**
 * The AT Protocol OAuth client every service uses. PAR, PKCE, DPoP (with nonce retry), token
 * refresh and revocation are the library's; this wires our stores, the distributed lock, and the
 * session state machine (a session the client gives up becomes `expired` or `revoked`, and the
 * account's waiting posts `blocked` until the user logs in again).
 */
export async function createOAuthClient(config: OauthClientConfig, deps: OAuthClientDeps): Promise<NodeOAuthClient> {
  const now = deps.now ?? (() => new Date());
  const keyset =
    config.mode === 'confidential'
      ? await Promise.all(config.clientKeys.map((jwk) => JoseKey.fromImportable(jwk as never, jwk.kid)))
      : undefined;
  const metadata = clientMetadata(config);
  const sessionStore =
    deps.sessionStore ??
    (deps.vault ? createPostgresSessionStore({ db: deps.db, vault: deps.vault, clientId: metadata.client_id }) : undefined);
  if (!sessionStore) throw new Error('createOAuthClient needs a session store or a vault to build one');
  return new NodeOAuthClient({
    clientMetadata: metadata,
    ...(keyset ? { keyset } : {}),
    stateStore: deps.stateStore ?? noLoginsStateStore,
    sessionStore,
    requestLock: toRequestLock(deps.lock),
    ...(config.handleResolver ? { handleResolver: config.handleResolver } : {}),
    ...(config.plcUrl ? { plcDirectoryUrl: config.plcUrl } : {}),
    allowHttp: config.allowHttp,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    // Typed as returning void, but the library awaits it (session-getter.js) before it deletes the session.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- see above
    onSessionDeleted: async (did, cause) => {
      const row = await describeOauthSession(deps.db, did);
      if (!row) return;
      const endCause = sessionEndCause(cause);
      const outcome = classifySessionEnd({
        cause: endCause,
        clientKind: config.mode,
        createdAt: row.createdAt,
        lastRefreshAt: row.lastRefreshAt,
        now: now(),
      });
      if (endCause === 'revoked-by-us') {
        // Our own revocation: a logout (which holds the posts itself) or a new login replacing
        // this session (the library revokes the old one first): nothing to hold, nothing to tell.
        await endOauthSession(deps.db, did, outcome.state, outcome.reason);
        await deps.onSessionEnded?.(did, { ...outcome, blockedPosts: 0 });
        return;
      }
      // Ended, its waiting posts held (`blocked`) and the user told, whichever process noticed.
      const { blocked } = await endSessionAndBlockPosts(deps.db, did, outcome);
      await deps.onSessionEnded?.(did, { ...outcome, blockedPosts: blocked.length });
    },
  });
}
