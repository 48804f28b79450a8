import { generateClientKey } from '@chronopost/bluesky';
import {
  accessToken,
  createPdsAccount,
  createTestDatabase,
  type HttpServices,
  listOAuthSessionsAtPds,
  login,
  routeTestDomains,
  startHttpServices,
  type TestDatabase,
  testDomainUrl,
  testEnvironment,
} from '@chronopost/testing';
import { freePort } from '@chronopost/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A confidential client needs an https client_id on a public domain, even against a dev PDS: this
// one is https://port-<N>.test-clients.chronopost.app, which the test processes route to 127.0.0.1:<N>.
describe('login as a confidential client (private_key_jwt)', () => {
  let database: TestDatabase;
  let services: HttpServices;

  beforeAll(async () => {
    routeTestDomains();
    database = await createTestDatabase();
    const port = await freePort();
    services = await startHttpServices({
      database,
      port,
      env: { PUBLIC_URL: testDomainUrl(port), OAUTH_CLIENT_PRIVATE_KEYS: JSON.stringify([await generateClientKey('client-1')]) },
    });
  });
  afterAll(async () => {
    await services.close();
    await database.drop();
  });

  it('publishes its metadata and public keys', async () => {
    const metadata = (await (await fetch(`${services.url}/oauth/client-metadata.json`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      client_id: `${services.env.PUBLIC_URL}/oauth/client-metadata.json`,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: `${services.env.PUBLIC_URL}/oauth/jwks.json`,
    });
    const jwks = (await (await fetch(`${services.url}/oauth/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: 'client-1', kty: 'EC', crv: 'P-256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('logs in against the local PDS, which fetched our metadata and verified our signed client assertion', async () => {
    const user = await createPdsAccount(testEnvironment().pdsUrl);
    const { browser, callback, finished } = await login(services, user);
    expect(callback.origin).toBe(services.env.PUBLIC_URL);
    expect(finished.status).toBe(303);
    expect(new URL(finished.headers.get('location')!).searchParams.get('login')).toBe('ok');
    expect((await accessToken(services, browser)).did).toBe(user.did);

    const [session] = await listOAuthSessionsAtPds(testEnvironment().pdsUrl, { identifier: user.handle, password: user.password });
    expect(session?.clientId).toBe(`${services.env.PUBLIC_URL}/oauth/client-metadata.json`);
  });
});
