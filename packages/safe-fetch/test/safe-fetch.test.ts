import type { LookupAddress } from 'node:dns';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch, findSafeFetchError, type Lookup, type SafeFetch, SafeFetchError } from '../src';
import { createCheckedAgents } from '../src/agent';

/**
 * Every case runs against real local HTTP servers on 127.0.0.1: nothing here is mocked. A test
 * that needs a host name to resolve to a local server injects a lookup for that one name, the
 * way a DNS answer would arrive; the address rules themselves are the production ones.
 */

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

/** A resolver that knows a few names (as DNS would answer them) and refuses the rest. */
const lookupFrom =
  (names: Record<string, string>): Lookup =>
  (hostname, _options, callback) => {
    const address = names[hostname];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 } satisfies LookupAddress]);
  };

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SafeFetchError);
  return (error as SafeFetchError).code;
};

describe('the safe fetcher', () => {
  let site: Awaited<ReturnType<typeof listen>>;
  let internal: Awaited<ReturnType<typeof listen>>;
  const fetchers: SafeFetch[] = [];
  const make = (options: Parameters<typeof createSafeFetch>[0]) => {
    const made = createSafeFetch(options);
    fetchers.push(made);
    return made.fetch;
  };

  beforeAll(async () => {
    // What an attacker wants to reach: it records any request that gets through.
    internal = await listen((_request, response) => response.end('secret'));
    // A site allowed by configuration (standing in for a public one); it redirects on request.
    site = await listen((request, response) => {
      const url = new URL(request.url ?? '/', 'http://site');
      const to = url.searchParams.get('to');
      if (to) {
        response.writeHead(302, { location: to });
        return response.end();
      }
      if (url.pathname === '/loop') {
        response.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` });
        return response.end();
      }
      if (url.pathname === '/big') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.write('x'.repeat(600_000));
        return response.end('x'.repeat(600_000));
      }
      if (url.pathname === '/slow') {
        response.writeHead(200, { 'content-type': 'text/html' });
        return void setTimeout(() => response.end('late'), 2_000);
      }
      if (url.pathname === '/json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end('{}');
      }
      if (url.pathname === '/gzip') {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        return response.end(gzipSync(`accept-encoding: ${request.headers['accept-encoding'] ?? ''}`));
      }
      if (url.pathname === '/echo') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ method: request.method, authorization: request.headers.authorization ?? null }));
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<title>ok</title>');
    });
  });
  afterAll(async () => {
    await Promise.all(fetchers.map((fetcher) => fetcher.close()));
    site.server.close();
    internal.server.close();
  });

  const internalUrl = (host: string, path = '/') => `http://${host}:${internal.port}${path}`;

  describe('refuses what would reach this machine or its network', () => {
    // `any` port: these tests are about addresses, and the servers cannot listen on port 80.
    const anyPort = () => make({ ports: 'any' });

    it.each([
      ['127.0.0.1', '127.0.0.1'],
      ['[::1]', '[::1]'],
      ['[::ffff:127.0.0.1]', '[::ffff:127.0.0.1]'],
      ['a decimal IP', '2130706433'],
      ['an octal-dotted IP', '0177.0.0.1'],
      ['169.254.169.254', '169.254.169.254'],
      ['0.0.0.0', '0.0.0.0'],
      ['localhost', 'localhost'],
    ])('%s', async (_name, host) => {
      expect(await refusal(anyPort()(internalUrl(host)))).toBe('blocked_address');
      expect(internal.hits).toEqual([]);
    });

    it('a host name whose DNS answer is loopback', async () => {
      const fetch = make({ ports: 'any', lookup: lookupFrom({ 'rebound.example': '127.0.0.1' }) });
      expect(await refusal(fetch(internalUrl('rebound.example')))).toBe('blocked_address');
      expect(internal.hits).toEqual([]);
    });

    it('a host name whose DNS answer is an IPv4-mapped loopback', async () => {
      const fetch = make({ ports: 'any', lookup: lookupFrom({ 'mapped.example': '::ffff:127.0.0.1' }) });
      expect(await refusal(fetch(internalUrl('mapped.example')))).toBe('blocked_address');
      expect(internal.hits).toEqual([]);
    });

    it('a redirect from an allowed host to loopback', async () => {
      const fetch = make({ ports: 'any', allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      const start = `http://127.0.0.1:${site.port}/?to=${encodeURIComponent(internalUrl('127.0.0.1', '/admin'))}`;
      expect(await refusal(fetch(start))).toBe('blocked_address');
      // A redirect to a name that resolves to loopback is refused the same way.
      const viaName = make({
        ports: 'any',
        allowPrivateOrigins: [`http://127.0.0.1:${site.port}`],
        lookup: lookupFrom({ 'x.example': '127.0.0.1' }),
      });
      expect(await refusal(viaName(`http://127.0.0.1:${site.port}/?to=${encodeURIComponent(internalUrl('x.example'))}`))).toBe(
        'blocked_address',
      );
      expect(internal.hits).toEqual([]);
      expect(site.hits.filter((hit) => hit.includes('to='))).toHaveLength(2);
    });

    it('at the connection itself, whatever the URL checks let through', async () => {
      // The agent alone, without the URL checks: the address actually connected to is checked.
      const agents = createCheckedAgents();
      try {
        for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', 'localhost']) {
          const error = await new Promise((resolve) => {
            get(internalUrl(host), { agent: agents.http }, (response) => resolve(response.statusCode)).once('error', resolve);
          });
          expect(findSafeFetchError(error)?.code).toBe('blocked_address');
        }
      } finally {
        agents.close();
      }
      expect(internal.hits).toEqual([]);
    });

    it('an allowed origin on another port of the same host', async () => {
      const fetch = make({ ports: 'any', allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      expect(await refusal(fetch(internalUrl('127.0.0.1')))).toBe('blocked_address');
      expect(internal.hits).toEqual([]);
    });
  });

  describe('the other rules', () => {
    it('only http and https', async () => {
      const fetch = make({});
      expect(await refusal(fetch('file:///etc/passwd'))).toBe('blocked_protocol');
    });

    it('only ports 80 and 443 unless configured otherwise', async () => {
      const fetch = make({ lookup: lookupFrom({ 'public.example': '93.184.215.14' }) });
      expect(await refusal(fetch('http://public.example:6379/'))).toBe('blocked_port');
      expect(await refusal(fetch('https://public.example:22/'))).toBe('blocked_port');
    });

    it('at most five redirects', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      const before = site.hits.length;
      expect(await refusal(fetch(`http://127.0.0.1:${site.port}/loop`))).toBe('too_many_redirects');
      expect(site.hits.length - before).toBe(6);
    });

    it('a body cap, counted on what is read', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`], maxBodyBytes: 1_000_000 });
      const response = await fetch(`http://127.0.0.1:${site.port}/big`);
      expect(await refusal(response.arrayBuffer())).toBe('body_too_large');
    });

    it('a timeout for the whole exchange', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`], timeoutMs: 300 });
      const started = performance.now();
      const error = await fetch(`http://127.0.0.1:${site.port}/slow`).then(
        (response) => response.text(),
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(1_800);
    });

    it('a content-type filter', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`], contentTypes: ['text/html'] });
      expect(await refusal(fetch(`http://127.0.0.1:${site.port}/json`))).toBe('unsupported_content_type');
      expect(await (await fetch(`http://127.0.0.1:${site.port}/`)).text()).toBe('<title>ok</title>');
    });
  });

  describe('as a WHATWG fetch', () => {
    it('answers a platform Response with the final URL after redirects', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      const response = await fetch(`http://127.0.0.1:${site.port}/?to=${encodeURIComponent('/page')}`);
      expect(response).toBeInstanceOf(Response);
      expect(response.status).toBe(200);
      expect(response.url).toBe(`http://127.0.0.1:${site.port}/page`);
      expect(response.redirected).toBe(true);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    });

    it('takes a platform Request with a body, and honours redirect: manual and error', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      const posted = await fetch(
        new Request(`http://127.0.0.1:${site.port}/echo`, { method: 'POST', body: 'a=1', headers: { authorization: 'DPoP x' } }),
      );
      expect(await posted.json()).toEqual({ method: 'POST', authorization: 'DPoP x' });
      const manual = await fetch(`http://127.0.0.1:${site.port}/?to=/x`, { redirect: 'manual' });
      expect(manual.status).toBe(302);
      expect(manual.headers.get('location')).toBe('/x');
      await expect(fetch(`http://127.0.0.1:${site.port}/?to=/x`, { redirect: 'error' })).rejects.toThrow(TypeError);
    });

    it('asks for compressed answers and decodes them, as fetch does', async () => {
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`] });
      expect(await (await fetch(`http://127.0.0.1:${site.port}/gzip`)).text()).toMatch(/^accept-encoding: .*gzip/);
    });

    it('rejects a connection failure with a TypeError, as fetch does', async () => {
      const closed = await listen(() => undefined);
      closed.server.close();
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${closed.port}`] });
      const error = await fetch(`http://127.0.0.1:${closed.port}/`).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe('fetch failed');
      expect(((error as TypeError).cause as { code?: string }).code).toBe('ECONNREFUSED');
    });

    it('continues a POST redirected with 302 as a GET, and drops credentials across origins', async () => {
      const other = `http://localhost:${site.port}`;
      const fetch = make({ allowPrivateOrigins: [`http://127.0.0.1:${site.port}`, other] });
      const response = await fetch(`http://127.0.0.1:${site.port}/?to=${encodeURIComponent(`${other}/echo`)}`, {
        method: 'POST',
        body: 'x',
        headers: { authorization: 'Bearer secret' },
      });
      expect(await response.json()).toEqual({ method: 'GET', authorization: null });
    });
  });

  describe('prepared ahead, sent later', () => {
    /** Records connections and requests, and echoes each request (after `?after=ms`). */
    async function echo() {
      const connections: Array<{ closed: boolean }> = [];
      const echoed = await listen((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const after = Number(new URL(request.url ?? '/', 'http://echo').searchParams.get('after') ?? 0);
          setTimeout(() => {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(
              JSON.stringify({ method: request.method, body: Buffer.concat(chunks).toString(), test: request.headers['x-test'] }),
            );
          }, after);
        });
      });
      echoed.server.on('connection', (socket) => {
        const connection = { closed: false };
        connections.push(connection);
        socket.once('close', () => (connection.closed = true));
      });
      return { ...echoed, connections, origin: `http://127.0.0.1:${echoed.port}` };
    }
    const fetcher = (options: Parameters<typeof createSafeFetch>[0]) => {
      const made = createSafeFetch(options);
      fetchers.push(made);
      return made;
    };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('writes nothing before the send, then sends the request whole', async () => {
      const server = await echo();
      const { prepare } = fetcher({ allowPrivateOrigins: [server.origin] });
      const prepared = await prepare(`${server.origin}/write`, { method: 'POST', body: 'the records', headers: { 'x-test': 'held' } });
      await pause(150);
      // The connection is made ahead; not a byte of the request is on it.
      expect(server.connections).toHaveLength(1);
      expect(server.hits).toEqual([]);
      const response = await prepared.send();
      expect(await response.json()).toEqual({ method: 'POST', body: 'the records', test: 'held' });
      expect(server.hits).toEqual(['/write']);
      await expect(prepared.send()).rejects.toThrow('sent once');
      server.server.close();
    });

    it('checks the address when preparing, as fetch does', async () => {
      const { prepare } = fetcher({ ports: 'any' });
      expect(await refusal(prepare(internalUrl('127.0.0.1'), { method: 'POST', body: 'x' }))).toBe('blocked_address');
      expect(internal.hits).toEqual([]);
    });

    it('counts the timeout from the send, not from the preparing', async () => {
      const server = await echo();
      const { prepare } = fetcher({ allowPrivateOrigins: [server.origin], timeoutMs: 400 });
      const prepared = await prepare(`${server.origin}/?after=250`, { method: 'POST', body: 'x' });
      await pause(500);
      expect((await prepared.send()).status).toBe(200);
      const late = await prepare(`${server.origin}/?after=1000`, { method: 'POST', body: 'x' });
      expect(await refusal(late.send())).toBe('timeout');
      server.server.close();
    });

    it('opens another connection when its own was closed before the send, and sends once', async () => {
      const server = await echo();
      // The server drops the first connection before any request arrives on it (an idle timeout, say).
      server.server.once('connection', (socket) => setTimeout(() => socket.destroy(), 20));
      const { prepare } = fetcher({ allowPrivateOrigins: [server.origin] });
      const prepared = await prepare(`${server.origin}/write`, { method: 'POST', body: 'once' });
      await pause(150);
      expect(server.connections[0]?.closed).toBe(true);
      expect(await (await prepared.send()).json()).toMatchObject({ body: 'once' });
      expect(server.hits).toEqual(['/write']);
      expect(server.connections).toHaveLength(2);
      server.server.close();
    });

    it('gives a discarded request up unsent, closing its connection', async () => {
      const server = await echo();
      const { prepare } = fetcher({ allowPrivateOrigins: [server.origin] });
      const prepared = await prepare(`${server.origin}/write`, { method: 'POST', body: 'never' });
      await pause(100);
      prepared.discard();
      await pause(100);
      expect(server.connections.map((connection) => connection.closed)).toEqual([true]);
      expect(server.hits).toEqual([]);
      await expect(prepared.send()).rejects.toThrow('sent once');
      server.server.close();
    });
  });
});
