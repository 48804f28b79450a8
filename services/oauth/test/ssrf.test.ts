import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { useHttpServices } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A local server that counts what reaches it (the "internal service" an attacker aims at). */
async function listen(handler: (path: string) => { status: number; headers?: Record<string, string> }) {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const { status, headers } = handler(request.url ?? '');
    response.writeHead(status, headers).end('{}');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { hits, port: (server.address() as { port: number }).port, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The login identifier may be a URL: the OAuth client then fetches its well-known documents. Those
 * fetches go through the SSRF-safe fetcher, so no identifier makes the server reach a loopback,
 * private or link-local address, while the configured local PDS keeps working (the other login
 * tests log in through it).
 */
describe('login identifiers that point inside', () => {
  let victim: Awaited<ReturnType<typeof listen>>;
  const rig = useHttpServices();

  beforeAll(async () => {
    victim = await listen(() => ({ status: 200, headers: { 'content-type': 'application/json' } }));
  });
  afterAll(async () => {
    await victim.close();
  });

  const login = (identifier: string) =>
    fetch(`${rig.services.url}/oauth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier }),
    });

  it.each([
    ['loopback', () => `http://127.0.0.1:${victim.port}`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${victim.port}`],
    ['a host name that resolves to loopback', () => `http://localhost:${victim.port}`],
    ['private', () => 'http://10.0.0.1'],
    ['link-local (cloud metadata)', () => 'http://169.254.169.254'],
  ])('refuses %s with 400 on the identifier, and nothing is fetched there', async (_, identifier) => {
    const before = victim.hits.length;
    const response = await login(identifier());
    expect(response.status, await response.clone().text()).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ path: 'identifier', code: 'identifier_not_public' }] } });
    expect(victim.hits.length).toBe(before);
  });
});

describe('a redirect from an allowed origin to loopback', () => {
  let victim: Awaited<ReturnType<typeof listen>>;
  let redirector: Awaited<ReturnType<typeof listen>>;
  const holder: { env: Record<string, string> } = { env: {} };
  beforeAll(async () => {
    victim = await listen(() => ({ status: 200, headers: { 'content-type': 'application/json' } }));
    redirector = await listen(() => ({
      status: 302,
      headers: { location: `http://127.0.0.1:${victim.port}/.well-known/oauth-authorization-server` },
    }));
    holder.env.ATPROTO_PLC_URL = `http://127.0.0.1:${redirector.port}`;
  });
  afterAll(async () => {
    await victim.close();
    await redirector.close();
  });
  // The PLC directory's origin is allowed (as the demo's is); the redirect away from it is not.
  const rig = useHttpServices({ env: holder.env });

  it('is refused, and the loopback target is never reached', async () => {
    const response = await fetch(`${rig.services.url}/oauth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: `http://127.0.0.1:${redirector.port}` }),
    });
    expect(redirector.hits.length).toBeGreaterThan(0);
    expect(victim.hits).toEqual([]);
    expect(response.status, await response.clone().text()).toBe(400);
  });
});
