import { loadOauthSession } from '@chronopost/db';
import { loginResponseSchema, meResponseSchema } from '@chronopost/shared-schemas';
import {
  accessToken,
  Browser,
  captureOutput,
  completeOAuthConsent,
  createPdsAccount,
  listOAuthSessionsAtPds,
  login,
  type PdsAccount,
  readStoredSession,
  testEnvironment,
  useHttpServices,
} from '@chronopost/testing';
import { freePort } from '@chronopost/local';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, loadConfig, loadSecrets } from '../src/app';
import { startLogin } from '../src/login';

const countActiveSessions = async (user: PdsAccount) =>
  (await listOAuthSessionsAtPds(testEnvironment().pdsUrl, { identifier: user.handle, password: user.password })).length;

describe('login with AT Protocol OAuth (loopback client, local PDS)', () => {
  const rig = useHttpServices({ logLevel: 'DEBUG' });
  let account: PdsAccount;

  beforeAll(async () => {
    account = await createPdsAccount(testEnvironment().pdsUrl);
  });
  afterEach(() => vi.restoreAllMocks());

  it('logs in end to end, keeps tokens out of the rig.database row and the logs, and serves an authenticated call', async () => {
    const output = captureOutput();

    const started = performance.now();
    const { browser, finished } = await login(rig.services, account);
    expect(finished.status).toBe(303);
    const landing = new URL(finished.headers.get('location')!);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${new URL(rig.services.url).origin}/dashboard`);
    expect(landing.searchParams.get('login')).toBe('ok');
    expect(browser.cookies.has('chronopost_refresh')).toBe(true);
    expect(browser.cookies.has('chronopost_login')).toBe(false);

    const { accessToken: jwt, did } = await accessToken(rig.services, browser);
    const loginMs = performance.now() - started;
    expect(did).toBe(account.did);

    const me = await fetch(`${rig.services.url}/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    expect(meResponseSchema.parse(await me.json())).toMatchObject({
      account: { did: account.did, handle: account.handle, pdsUrl: testEnvironment().pdsUrl },
      session: { state: 'active' },
    });
    output.restore();
    console.log(`login round trip (start → app JWT) on the local PDS: ${loginMs.toFixed(0)} ms`);

    // What the session really holds, opened with the vault...
    const session = (await readStoredSession(rig.services, rig.database, account.did))!;
    const secrets = [session.tokenSet.access_token, session.tokenSet.refresh_token!, (session.dpopJwk as { d?: string }).d!];
    expect(secrets.every((secret) => secret.length > 10)).toBe(true);
    // ...appears nowhere in the row's bytes, in any encoding.
    const raw = await rig.database.db.$client.query(`SELECT * FROM oauth_sessions WHERE did = $1`, [account.did]);
    const rowBytes = Buffer.concat(
      Object.values(raw.rows[0] as Record<string, unknown>).map((value) => (Buffer.isBuffer(value) ? value : Buffer.from(String(value)))),
    );
    const logs = output.text();
    for (const secret of [...secrets, jwt, browser.cookies.get('chronopost_refresh')!]) {
      for (const encoded of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
        expect(rowBytes.includes(Buffer.from(encoded))).toBe(false);
      }
      expect(logs.includes(secret)).toBe(false);
    }
    expect(logs).toContain('login completed');
  });

  it('refuses a callback in a browser that did not start the login', async () => {
    const other = await createPdsAccount(testEnvironment().pdsUrl);
    const browser = new Browser(new URL(rig.services.url).origin);
    const started = await browser.fetch(`${rig.services.url}/oauth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: other.handle }),
    });
    const { authorizationUrl } = loginResponseSchema.parse(await started.json());
    const callback = await completeOAuthConsent(authorizationUrl, { identifier: other.handle, password: other.password });

    const stranger = new Browser(new URL(rig.services.url).origin);
    const response = await stranger.fetch(callback.href);
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('login_error')).toBe('wrong_browser');
    expect(stranger.cookies.has('chronopost_refresh')).toBe(false);
    expect(await loadOauthSession(rig.database.db, other.did)).toBeUndefined();

    // The login is spent: even the right browser cannot finish it now.
    const late = await browser.fetch(callback.href);
    expect(new URL(late.headers.get('location')!).searchParams.get('login_error')).toBe('expired');
  });

  it.each([
    ['an off-site return URL', { identifier: 'alice.test', returnTo: 'https://evil.example/steal' }, 'returnTo'],
    ['a protocol-relative return URL', { identifier: 'alice.test', returnTo: '//evil.example' }, 'returnTo'],
    ['an identifier that is no handle', { identifier: 'not a handle!' }, 'identifier'],
    ['an empty identifier', { identifier: '  ' }, 'identifier'],
    ['an unknown field', { identifier: 'alice.test', admin: true }, 'body'],
  ])('answers 400 naming the field for %s', async (_, body, path) => {
    const response = await fetch(`${rig.services.url}/oauth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { issues: Array<{ path: string }> } };
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });

  it('answers 400 for a handle that does not exist', async () => {
    const response = await fetch(`${rig.services.url}/oauth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'nobody-here.test' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ path: 'identifier', code: 'not_found' }] } });
  });

  it('answers authorization_server_unavailable, not not_found, when the server that resolves the handle does not answer', async () => {
    // Under load a PDS that did not answer in time made a real handle "not found" (a flaky login in
    // sessions.test.ts). Here the handle's server is down: nothing listens on its port.
    const env = { ...rig.services.env, ATPROTO_HANDLE_RESOLVER: `http://127.0.0.1:${await freePort()}` };
    const ctx = createContext(loadConfig(env), loadSecrets(env), { db: rig.database.db });
    const refused = await startLogin(ctx, { identifier: account.handle }, '203.0.113.7').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 502, code: 'authorization_server_unavailable' });
  });

  it('rotates the refresh cookie, and a reused one revokes its whole family', async () => {
    const { browser } = await login(rig.services, account);
    const first = browser.cookies.get('chronopost_refresh')!;
    await accessToken(rig.services, browser);
    const second = browser.cookies.get('chronopost_refresh')!;
    expect(second).not.toBe(first);

    // An attacker replays the first cookie.
    const replay = await fetch(`${rig.services.url}/auth/refresh`, { method: 'POST', headers: { cookie: `chronopost_refresh=${first}` } });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });

    // The legitimate browser's current cookie died with the family.
    const after = await browser.fetch(`${rig.services.url}/auth/refresh`, { method: 'POST' });
    expect(after.status).toBe(401);
  });

  it('refuses cookie requests from another origin', async () => {
    const { browser } = await login(rig.services, account);
    const response = await browser.fetch(`${rig.services.url}/auth/refresh`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
  });

  it('logs out: revokes at the PDS, deletes the session row, and the old cookie no longer works', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    const { browser } = await login(rig.services, user);
    const cookie = browser.cookies.get('chronopost_refresh')!;
    // Before logging out, the PDS lists one active OAuth session for the account.
    expect(await countActiveSessions(user)).toBe(1);

    const response = await browser.fetch(`${rig.services.url}/auth/logout`, { method: 'POST' });
    expect(response.status).toBe(204);
    expect(browser.cookies.has('chronopost_refresh')).toBe(false);
    const rows = await rig.database.db.$client.query('SELECT 1 FROM oauth_sessions WHERE did = $1', [user.did]);
    expect(rows.rowCount).toBe(0);

    const reuse = await fetch(`${rig.services.url}/auth/refresh`, { method: 'POST', headers: { cookie: `chronopost_refresh=${cookie}` } });
    expect(reuse.status).toBe(401);
    // Revoked at the PDS as well: the account has no OAuth session left there to revoke.
    expect(await countActiveSessions(user)).toBe(0);
  });
});
