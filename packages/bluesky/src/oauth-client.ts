import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { JoseKey } from '@atproto/jwk-jose';
import { OAuthClient, OAuthResponseError, TokenRefreshError, TokenRevokedError } from '@atproto/oauth-client';
import type { NodeOAuthClient, NodeSavedSessionStore, NodeSavedStateStore } from '@atproto/oauth-client-node';
import type { SessionEndCause } from '@chronopost/core';
import type { OauthClientConfig, OauthClientSecrets } from '@chronopost/shared-schemas';
import { holdingFetch, type PreparingFetch } from './held-request';
import { createIdentityResolver, type IdentityResolver } from './identity';
import { type Lock, toRequestLock } from './lock';

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
  /** Where sessions are kept (sealed): the services give theirs (Postgres, packages/sessions). */
  sessionStore: NodeSavedSessionStore;
  /** Pending logins; services that never start one (publisher, token refresher) leave it out. */
  stateStore?: NodeSavedStateStore;
  lock: Lock;
  /**
   * Every request the client makes for a user (their PDS, its authorization server): the SSRF-safe
   * fetch (`createAtprotoFetch`, whose `prepare` lets a held request be made ahead).
   */
  fetch: PreparingFetch;
  /** The one identity resolver (see identity.ts); built from the configuration when not given. */
  identityResolver?: IdentityResolver;
  /**
   * The client gave a session up (refused refresh, revocation, …): tells its owner, which decides
   * what that means for the account (packages/sessions ends the row and holds the posts).
   */
  onSessionDeleted?: (did: string, cause: SessionEndCause) => Promise<void>;
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
 * Our stores keep the DPoP key as a JWK (JSON, sealed by the vault); the client works with key
 * objects. The conversion happens here, at the store's edge.
 */
function withDpopKeys<Saved extends { dpopJwk: unknown }>(store: {
  get(key: string): Saved | undefined | PromiseLike<Saved | undefined>;
  set(key: string, value: Saved): unknown;
  del(key: string): unknown;
}) {
  const read = async (key: string) => {
    const saved = await store.get(key);
    if (!saved) return undefined;
    const { dpopJwk, ...rest } = saved;
    return { ...rest, dpopKey: await JoseKey.fromJWK(dpopJwk as never) };
  };
  return {
    async get(key: string) {
      // Read once per `readSessions` scope while nothing can have changed it (see there).
      const scope = readScope.getStore();
      if (!scope || optimisticAttempt.getStore() !== true) return read(key);
      let value = scope.sessions.get(key) as ReturnType<typeof read> | undefined;
      if (!value) {
        value = read(key);
        scope.sessions.set(key, value);
        // A failed read is not kept: the next one tries again.
        value.catch(() => scope.sessions.delete(key));
      }
      return value;
    },
    async set(key: string, { dpopKey, ...rest }: { dpopKey: { privateJwk?: unknown } }) {
      if (!dpopKey.privateJwk) throw new Error('the DPoP key has no private part to store');
      readScope.getStore()?.sessions.delete(key);
      await store.set(key, { ...rest, dpopJwk: dpopKey.privateJwk } as unknown as Saved);
    },
    del: async (key: string) => {
      readScope.getStore()?.sessions.delete(key);
      await store.del(key);
    },
  };
}

/**
 * Raised inside an optimistic session read (see `readSessions`) when the OAuth client is about to
 * send a request of its own (a token refresh): nothing has been sent, and the read is done again
 * under the lock.
 */
class NeedsLockError extends Error {
  override readonly name = 'NeedsLockError';
}

const needsLock = (error: unknown): boolean => {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof NeedsLockError) return true;
  }
  return false;
};

/** Sessions read in one `readSessions` call (a promise each, so concurrent reads share one). */
const readScope = new AsyncLocalStorage<{ sessions: Map<string, Promise<unknown>> }>();
/** Set while a read runs without the distributed lock. */
const optimisticAttempt = new AsyncLocalStorage<boolean>();

/**
 * Runs `reads` — `client.restore(did)` and `session.getTokenSet('auto')` calls, nothing that sends
 * a request — taking the distributed refresh lock only for a session that needs a refresh.
 *
 * The OAuth client takes the lock around every session read, but the lock is there for refreshes
 * (refresh tokens are single-use): for a session whose token is still good, a read under the lock
 * is two DynamoDB writes (a conditional put and a delete) for nothing, and the publisher read twice
 * per post (`pnpm bench lateness --cpu-prof`). Inside `reads` each read first runs without the
 * lock; if the client then sets out to refresh, its token request is stopped before it leaves (the
 * client's fetch refuses any request while a read is optimistic), and the read is done again under
 * the lock, exactly as before. The same session read twice within `reads` is read from the store (row, vault, key
 * import) once. Reads outside `reads` (a forced refresh, the token refresher, logins) are
 * unchanged.
 */
export function readSessions<T>(reads: () => Promise<T>): Promise<T> {
  return readScope.run({ sessions: new Map() }, reads);
}

/** The lock for the client: skipped while a read inside `readSessions` needs nothing but the store. */
function refreshLock(lock: Lock) {
  const locked = toRequestLock(lock);
  return async <T>(name: string, work: () => T | PromiseLike<T>): Promise<T> => {
    const scope = readScope.getStore();
    if (!scope || optimisticAttempt.getStore() !== undefined) return locked(name, work);
    try {
      return await optimisticAttempt.run(true, async () => work());
    } catch (error) {
      if (!needsLock(error)) throw error;
      // What was read may be what a refresh elsewhere is replacing: read again, under the lock.
      scope.sessions.clear();
      return optimisticAttempt.run(false, () => locked(name, work));
    }
  };
}

/** The client's own requests (token, PAR, revocation, metadata): none while a read is optimistic. */
function guardedFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    if (optimisticAttempt.getStore() === true) {
      return Promise.reject(new NeedsLockError('the OAuth client sends a request: this read needs the refresh lock'));
    }
    return fetch(input, init);
  };
}

/**
 * The AT Protocol OAuth client every service uses. PAR, PKCE, DPoP (with nonce retry), token
 * refresh and revocation are the library's; this wires the given stores, the distributed lock and
 * the identity settings, and reports a session the client gives up (with its cause) to the owner.
 */
export async function createOAuthClient(
  config: OauthClientConfig,
  secrets: OauthClientSecrets,
  deps: OAuthClientDeps,
): Promise<NodeOAuthClient> {
  const keyset =
    config.mode === 'confidential'
      ? await Promise.all(secrets.oauthClientKeys.map((jwk) => JoseKey.fromImportable(jwk as never, jwk.kid)))
      : undefined;
  // The platform-neutral client with Node's crypto, rather than @atproto/oauth-client-node's
  // subclass: that one's default handle resolver brings its own HTTP client (undici, ~1.7 MB of
  // bundle) into every function's cold start, although we always give it our resolver.
  const client = new OAuthClient({
    responseMode: 'query',
    clientMetadata: clientMetadata(config),
    ...(keyset ? { keyset } : {}),
    stateStore: withDpopKeys(deps.stateStore ?? noLoginsStateStore),
    sessionStore: withDpopKeys(deps.sessionStore),
    runtimeImplementation: {
      requestLock: refreshLock(deps.lock),
      createKey: (algs) => JoseKey.generate(algs),
      getRandomValues: randomBytes,
      digest: (bytes, algorithm) => createHash(algorithm.name).update(bytes).digest(),
    },
    identityResolver:
      deps.identityResolver ??
      createIdentityResolver({
        handleResolver: config.handleResolver,
        plcUrl: config.plcUrl,
        allowHttp: config.allowHttp,
        fetch: deps.fetch,
      }),
    allowHttp: config.allowHttp,
    // The publisher's write is made ahead and sent at its second (`holdRequest`).
    fetch: guardedFetch(holdingFetch(deps.fetch)),
    // Typed as returning void, but the library awaits it (session-getter.js) before it deletes the session.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- see above
    onSessionDeleted: async (did, cause) => {
      await deps.onSessionDeleted?.(did, sessionEndCause(cause));
    },
  });
  // The same class but for its constructor's defaults: callers keep the Node client's type.
  return client;
}
