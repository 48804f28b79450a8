import { createServer } from 'node:http';
import { Agent, AtpAgent } from '@atproto/api';
import { NodeOAuthClient, type NodeSavedSession, type NodeSavedState, requestLocalLock } from '@atproto/oauth-client-node';
import { describe, expect, it } from 'vitest';
import { completeOAuthConsent, createPdsAccount, testEnvironment } from '../src';

describe('the shared local PDS', () => {
  it('hosts fresh accounts that can create posts', async () => {
    const { pdsUrl } = testEnvironment();
    const account = await createPdsAccount(pdsUrl);
    expect(account.did).toMatch(/^did:plc:/);
    expect(account.handle).toMatch(/\.test$/);

    // A password session is fine for checking the harness itself; the product only uses OAuth.
    const agent = new AtpAgent({ service: pdsUrl });
    await agent.login({ identifier: account.handle, password: account.password });
    const text = 'Hello from the harness 👋 こんにちは';
    const created = await agent.post({ text, createdAt: new Date().toISOString() });

    const [, , , collection, rkey] = created.uri.split('/');
    const record = await agent.com.atproto.repo.getRecord({ repo: account.did, collection: collection!, rkey: rkey! });
    expect(record.data.cid).toBe(created.cid);
    expect((record.data.value as { text: string }).text).toBe(text);
  });

  it('completes an OAuth authorization headlessly for a loopback client', async () => {
    const { pdsUrl, plcUrl } = testEnvironment();
    const account = await createPdsAccount(pdsUrl);

    // A loopback redirect target that only needs to exist; the helper stops at its URL.
    const callbackServer = createServer((_, res) => res.end('ok')).listen(0, '127.0.0.1');
    await new Promise((resolve) => callbackServer.once('listening', resolve));
    const port = (callbackServer.address() as { port: number }).port;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const scope = 'atproto transition:generic';

    // The library's store interfaces, kept in memory for this check of the harness.
    const states = new Map<string, NodeSavedState>();
    const sessions = new Map<string, NodeSavedSession>();
    const client = new NodeOAuthClient({
      clientMetadata: {
        client_id: `http://localhost?redirect_uri=${encodeURIComponent(redirectUri)}&scope=${encodeURIComponent(scope)}`,
        redirect_uris: [redirectUri],
        scope,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        dpop_bound_access_tokens: true,
      },
      stateStore: {
        get: async (key) => states.get(key),
        set: async (key, value) => void states.set(key, value),
        del: async (key) => void states.delete(key),
      },
      sessionStore: {
        get: async (key) => sessions.get(key),
        set: async (key, value) => void sessions.set(key, value),
        del: async (key) => void sessions.delete(key),
      },
      // One process, one client: the in-process lock is enough here.
      requestLock: requestLocalLock,
      handleResolver: pdsUrl,
      plcDirectoryUrl: plcUrl,
      allowHttp: true,
    });

    try {
      const authorizeUrl = await client.authorize(account.handle, { scope });
      const callback = await completeOAuthConsent(authorizeUrl, { identifier: account.handle, password: account.password });
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('code')).toBeTruthy();

      const { session } = await client.callback(callback.searchParams);
      expect(session.did).toBe(account.did);

      // The session is DPoP-bound and works against the PDS.
      const agent = new Agent(session);
      const created = await agent.post({ text: 'posted through OAuth', createdAt: new Date().toISOString() });
      expect(created.uri).toContain(account.did);
    } finally {
      callbackServer.close();
    }
  });
});
