import { createHash } from 'node:crypto';
import { JoseKey, OAuthSession, type TokenSet } from '@atproto/oauth-client-node';
import { describe, expect, it } from 'vitest';
import { pinTokenSet } from '../src/session-pin';

/**
 * The library's own OAuthSession (its fetchHandler, DPoP proofs and 401 handling are what run),
 * with two stand-ins for what it talks to, since a PDS cannot be made to reject a live access
 * token on demand: a session store that hands out a new access token at each forced refresh, and
 * a resource server (a `fetch`) that takes only the newest token.
 */
async function sessionWithRotatingTokens() {
  let issued = 0;
  const refreshes: Array<boolean | 'auto' | undefined> = [];
  const tokenSet = (): TokenSet => ({
    iss: 'https://pds.example',
    sub: 'did:plc:alice',
    aud: 'https://pds.example',
    scope: 'atproto transition:generic',
    token_type: 'DPoP',
    access_token: `access-${issued}`,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  let current = tokenSet();
  const sessionGetter = {
    async getSession(_sub: string, refresh?: boolean | 'auto') {
      if (refresh === true) {
        refreshes.push(refresh);
        issued++;
        current = tokenSet();
      }
      return { tokenSet: current };
    },
    async delStored() {},
  };
  const seen: string[] = [];
  const resourceServer = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const token = request.headers.get('authorization')?.replace(/^DPoP /, '') ?? '';
    seen.push(token);
    return token === current.access_token
      ? Response.json({ ok: true })
      : new Response('{}', { status: 401, headers: { 'www-authenticate': 'DPoP error="invalid_token"' } });
  };
  const server = {
    dpopKey: await JoseKey.generate(['ES256']),
    serverMetadata: { dpop_signing_alg_values_supported: ['ES256'] },
    dpopNonces: new Map<string, string>(),
    runtime: { sha256: async (text: string) => createHash('sha256').update(text).digest('base64url') },
  };
  const session = new OAuthSession(server as never, 'did:plc:alice', sessionGetter as never, resourceServer);
  return { session, refreshes, seen, revoke: () => (issued++, (current = tokenSet())) };
}

describe('pinTokenSet', () => {
  it('serves later requests with the pinned token, without reading the session again', async () => {
    const { session, seen } = await sessionWithRotatingTokens();
    await pinTokenSet(session);
    expect((await session.fetchHandler('/xrpc/a')).status).toBe(200);
    expect((await session.fetchHandler('/xrpc/b')).status).toBe(200);
    expect(seen).toEqual(['access-0', 'access-0']);
  });

  it('after a 401 forced a refresh, pins the refreshed token: later requests neither fail nor refresh again', async () => {
    const { session, refreshes, seen, revoke } = await sessionWithRotatingTokens();
    await pinTokenSet(session);
    // The authorization server has moved on (the token was refreshed elsewhere, or revoked).
    revoke();
    expect((await session.fetchHandler('/xrpc/first')).status).toBe(200);
    expect((await session.fetchHandler('/xrpc/second')).status).toBe(200);
    expect((await session.fetchHandler('/xrpc/third')).status).toBe(200);
    // The pinned token met one 401 and one refresh; every later request carried the refreshed token.
    expect(refreshes).toHaveLength(1);
    expect(seen).toEqual(['access-0', 'access-2', 'access-2', 'access-2']);
  });
});
