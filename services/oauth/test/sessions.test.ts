import { Agent } from '@atproto/api';
import { createAccessTokenSigner, generateAccessTokenKey } from '@chronopost/app-auth';
import { describeOauthSession } from '@chronopost/db';
import { meResponseSchema } from '@chronopost/shared-schemas';
import {
  accessToken,
  countingFetch,
  createPdsAccount,
  expireStoredAccessToken,
  login,
  readStoredSession,
  revokeOAuthSessionsAtPds,
  testEnvironment,
  useHttpServices,
} from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';

describe('stored OAuth sessions', () => {
  const rig = useHttpServices();

  it('refreshes an expired access token on use and stores the new tokens', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    await login(rig.services, user);
    const before = await expireStoredAccessToken(rig.services, rig.database, user.did);

    const counting = countingFetch();
    const session = await (await rig.services.newOauthContext({ fetch: counting.fetch }).oauthClient()).restore(user.did);
    expect(counting.refreshes()).toBe(1);
    expect(counting.refusedRefreshes()).toEqual([]);
    await new Agent(session).com.atproto.server.getSession();

    const after = (await readStoredSession(rig.services, rig.database, user.did))!;
    expect(after.tokenSet.access_token).not.toBe(before.tokenSet.access_token);
    expect(after.tokenSet.refresh_token).not.toBe(before.tokenSet.refresh_token);
    const row = (await describeOauthSession(rig.database.db, user.did))!;
    expect(row.state).toBe('active');
    expect(row.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('lets twenty concurrent restores from separate clients refresh exactly once, and all succeed', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    await login(rig.services, user);
    await expireStoredAccessToken(rig.services, rig.database, user.did);

    const counting = countingFetch();
    // Twenty "Lambda containers": each its own OAuth client, vault and lock client.
    const clients = await Promise.all(
      Array.from({ length: 20 }, () => rig.services.newOauthContext({ fetch: counting.fetch }).oauthClient()),
    );
    const results = await Promise.allSettled(clients.map((client) => client.restore(user.did)));

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(counting.refreshes()).toBe(1);
    expect(counting.refusedRefreshes()).toEqual([]);
    const sessions = results.map((result) => (result as PromiseFulfilledResult<Awaited<ReturnType<(typeof clients)[0]['restore']>>>).value);
    // Every restored session works against the PDS (no "refresh token replayed" anywhere).
    await Promise.all(sessions.map((session) => new Agent(session).com.atproto.server.getSession()));
    expect((await describeOauthSession(rig.database.db, user.did))!.state).toBe('active');
  });

  it('ends in `revoked` when the user revokes the access at their PDS, and tells them', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    const { browser } = await login(rig.services, user);
    expect(await revokeOAuthSessionsAtPds(testEnvironment().pdsUrl, { identifier: user.handle, password: user.password })).toBe(1);
    await expireStoredAccessToken(rig.services, rig.database, user.did);

    await expect((await rig.services.newOauthContext().oauthClient()).restore(user.did)).rejects.toThrow();

    const row = (await describeOauthSession(rig.database.db, user.did))!;
    expect(row).toMatchObject({ state: 'revoked' });
    expect(row.endReason).toMatch(/revoked/);
    const ciphertext = await rig.database.db.$client.query('SELECT ciphertext FROM oauth_sessions WHERE did = $1', [user.did]);
    expect(ciphertext.rows[0].ciphertext).toBeNull();

    const { accessToken: jwt } = await accessToken(rig.services, browser);
    const me = meResponseSchema.parse(
      await (await fetch(`${rig.services.url}/me`, { headers: { authorization: `Bearer ${jwt}` } })).json(),
    );
    expect(me.session).toMatchObject({ state: 'revoked' });
  });
});

describe('app access tokens at the gateway', () => {
  const rig = useHttpServices();
  let did: string;
  let valid: string;

  beforeAll(async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    const { browser } = await login(rig.services, user);
    ({ accessToken: valid, did } = await accessToken(rig.services, browser));
  });

  const me = (token?: string) => fetch(`${rig.services.url}/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const signer = async (options: { key?: Awaited<ReturnType<typeof generateAccessTokenKey>>; audience?: string; ttlSeconds?: number }) =>
    createAccessTokenSigner({
      privateKeys: [options.key ?? JSON.parse(rig.services.env.APP_JWT_PRIVATE_KEYS!)[0]],
      issuer: rig.services.env.PUBLIC_URL!,
      audience: options.audience ?? 'chronopost-api',
      ttlSeconds: options.ttlSeconds ?? 900,
    });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('accepts a valid token', async () => {
    expect((await me(valid)).status).toBe(200);
  });

  it.each([
    ['no token', async () => undefined],
    ['an expired token', async () => (await (await signer({ ttlSeconds: 60 })).sign(did, new Date(Date.now() - 3600_000))).token],
    ['a token for another audience', async () => (await (await signer({ audience: 'someone-else' })).sign(did)).token],
    [
      'a token signed by another key with the same kid',
      async () => (await (await signer({ key: await generateAccessTokenKey('test-key') })).sign(did)).token,
    ],
    [
      'an unsigned token (alg none)',
      async () => {
        const [, payload] = valid.split('.');
        return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      },
    ],
    [
      'a tampered token (another sub, same signature)',
      async () => {
        const [header, payload, signature] = valid.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        return `${header}.${b64({ ...claims, sub: 'did:plc:someoneelse' })}.${signature}`;
      },
    ],
  ])('refuses %s with 401', async (_, token) => {
    const response = await me(await token());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });
});

describe('login rate limit', () => {
  const rig = useHttpServices({ env: { LOGIN_RATE_LIMIT: '2' } });

  it('answers 429 with Retry-After once a client IP started too many logins', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    const start = () =>
      fetch(`${rig.services.url}/oauth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: user.handle }),
      });
    expect((await start()).status).toBe(200);
    expect((await start()).status).toBe(200);
    const limited = await start();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});
