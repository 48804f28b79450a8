import type { NodeSavedSession } from '@atproto/oauth-client-node';
import { sessionContext } from '@chronopost/sessions';
import { loadOauthSession } from '@chronopost/db';
import type { TestDatabase } from './database';
import type { HttpServices } from './http-services';

/** Opens the stored session of a DID with the services' vault. */
export async function readStoredSession(services: HttpServices, database: TestDatabase, did: string) {
  const row = await loadOauthSession(database.db, did);
  if (!row) return undefined;
  return services.oauth.vault.openJson<NodeSavedSession>(row, sessionContext(did));
}

/** Makes the stored access token look expired, as it will an hour after login. */
export async function expireStoredAccessToken(services: HttpServices, database: TestDatabase, did: string) {
  const session = (await readStoredSession(services, database, did))!;
  session.tokenSet.expires_at = new Date(Date.now() - 60_000).toISOString();
  const envelope = await services.oauth.vault.sealJson(session, sessionContext(did));
  await database.db.$client.query(
    'UPDATE oauth_sessions SET ciphertext = $1, encrypted_data_key = $2, key_id = $3, access_expires_at = $4 WHERE did = $5',
    [envelope.ciphertext, envelope.encryptedDataKey, envelope.keyId, session.tokenSet.expires_at, did],
  );
  return session;
}

/**
 * A fetch that records the token requests the authorization server answered, by grant type and
 * status. (A DPoP nonce challenge makes the client send a request twice: only one is accepted.)
 */
export function countingFetch() {
  const answered: Array<{ grant: string; status: number; error?: string }> = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const isToken = request.method === 'POST' && new URL(request.url).pathname === '/oauth/token';
    const grant = isToken ? (new URLSearchParams(await request.clone().text()).get('grant_type') ?? '?') : '';
    const response = await fetch(request);
    if (isToken) {
      const body = response.ok
        ? {}
        : ((await response
            .clone()
            .json()
            .catch(() => ({}))) as { error?: string });
      answered.push({ grant, status: response.status, ...(body.error ? { error: body.error } : {}) });
    }
    return response;
  }) as typeof fetch;
  return {
    fetch: wrapped,
    answered,
    /** Refreshes the server granted. */
    refreshes: () => answered.filter((entry) => entry.grant === 'refresh_token' && entry.status === 200).length,
    /** Refused refreshes other than the DPoP nonce challenge (a replayed token would show here). */
    refusedRefreshes: () =>
      answered.filter((entry) => entry.grant === 'refresh_token' && entry.status !== 200 && entry.error !== 'use_dpop_nonce'),
  };
}
