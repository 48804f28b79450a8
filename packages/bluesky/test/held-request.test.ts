import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAtprotoFetch, holdingFetch, holdRequest } from '../src';

/**
 * `holdRequest` against a real HTTP server on 127.0.0.1, through the real SSRF-safe fetch (with
 * `prepare`): what reached the server, and when, is the server's own record. The OAuth client's
 * side (the DPoP proof made ahead, the PDS committing on the second) is the publisher's test
 * against the real PDS (services/publisher/test/publish.test.ts).
 */
describe('holdRequest', () => {
  let server: Server;
  let origin: string;
  const arrivals: Array<{ method: string; path: string; body: string; at: number }> = [];
  const WRITE = { method: 'POST', pathname: '/xrpc/com.atproto.repo.applyWrites' };
  const writeUrl = () => `${origin}${WRITE.pathname}`;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        arrivals.push({ method: request.method!, path: request.url!, body: Buffer.concat(chunks).toString(), at: Date.now() });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ answered: request.url }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // The fetchers keep their connections alive.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetchVia = () => holdingFetch(createAtprotoFetch({ privateOrigins: [origin] }));

  it('sends only its request at the release; the others go at once, and so does a retry of it', async () => {
    arrivals.length = 0;
    const fetch = fetchVia();
    const held = holdRequest(WRITE, async () => {
      // Another request first (a token read, an upload): not held.
      await (await fetch(`${origin}/xrpc/com.atproto.server.getSession`)).text();
      const answer = await (await fetch(writeUrl(), { method: 'POST', body: '{"writes":[]}' })).json();
      // The library's own second try (a DPoP nonce retry) is not held again.
      await (await fetch(writeUrl(), { method: 'POST', body: '{"retry":true}' })).text();
      return answer as { answered: string };
    });
    await held.ready;
    await pause(200);
    expect(arrivals.map((arrival) => arrival.path)).toEqual(['/xrpc/com.atproto.server.getSession']);
    expect(held.sentAt()).toBeUndefined();

    const releasedAt = Date.now();
    held.release();
    expect(held.sentAt()!.getTime()).toBeGreaterThanOrEqual(releasedAt);
    expect(await held.result).toEqual({ answered: WRITE.pathname });
    expect(arrivals.map((arrival) => [arrival.method, arrival.body])).toEqual([
      ['GET', ''],
      ['POST', '{"writes":[]}'],
      ['POST', '{"retry":true}'],
    ]);
    expect(arrivals[1]!.at).toBeGreaterThanOrEqual(releasedAt);
  });

  it('sends at once a request made after its release', async () => {
    arrivals.length = 0;
    const fetch = fetchVia();
    const held = holdRequest(WRITE, async () => {
      await pause(100);
      return (await fetch(writeUrl(), { method: 'POST', body: 'late' })).json();
    });
    held.release();
    expect(await held.result).toEqual({ answered: WRITE.pathname });
    expect(arrivals.map((arrival) => arrival.body)).toEqual(['late']);
  });

  it('never sends a cancelled request, before or after it was made', async () => {
    arrivals.length = 0;
    const fetch = fetchVia();
    const made = holdRequest(WRITE, async () => (await fetch(writeUrl(), { method: 'POST', body: 'made' })).text());
    await made.ready;
    made.cancel(new Error('the wait failed'));
    await expect(made.result).rejects.toThrow('the wait failed');

    const unmade = holdRequest(WRITE, async () => {
      await pause(100);
      return (await fetch(writeUrl(), { method: 'POST', body: 'unmade' })).text();
    });
    unmade.cancel(new Error('gave up'));
    unmade.release();
    await expect(unmade.result).rejects.toThrow('gave up');
    await pause(100);
    expect(arrivals).toEqual([]);
    expect(made.sentAt()).toBeUndefined();
  });

  it('is ready, and fails, when its work fails before making the request', async () => {
    const fetch = fetchVia();
    const held = holdRequest(WRITE, async () => {
      await fetch(`${origin}/xrpc/com.atproto.server.getSession`);
      throw new Error('token refresh refused');
    });
    await held.ready;
    held.release();
    await expect(held.result).rejects.toThrow('token refresh refused');
  });
});
