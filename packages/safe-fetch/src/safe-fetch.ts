import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { addressProblem } from './address';
import { type Agents, createCheckedAgents, createPlainAgents, type Lookup } from './agent';
import { findSafeFetchError, SafeFetchError } from './errors';

export interface SafeFetchOptions {
  /**
   * Origins (`http://localhost:2583`) that may live on private addresses and any port: the local
   * demo PDS and PLC, the test PDS. Configuration, exact origins only; every other URL, and every
   * redirect away from these origins, follows all the rules.
   */
  allowPrivateOrigins?: readonly string[];
  /** `web` (default): ports 80 and 443 only. `any`: any port, still public addresses only. */
  ports?: 'web' | 'any';
  /** Redirects followed (each one checked like the first URL); default 5. */
  maxRedirects?: number;
  /** Bytes of response body read at most (after decompression); default 1,000,000. */
  maxBodyBytes?: number;
  /** For the whole exchange, redirects included; default 10 s. */
  timeoutMs?: number;
  /** Media types (no parameters) a successful response may have, e.g. `['text/html']`; any when unset. */
  contentTypes?: readonly string[];
  /** DNS resolution. Tests inject one to give a test host name a local address. */
  lookup?: Lookup;
  /** Sent when the request has no User-Agent of its own. */
  userAgent?: string;
}

export interface SafeFetch {
  /** WHATWG `fetch` (global Request/Response), for libraries that take a `fetch`. */
  fetch: typeof globalThis.fetch;
  /** Closes the connection pools. */
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const WEB_PORTS = new Set(['80', '443']);
/** Headers that carry the caller's identity: never sent on to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'dpop'];

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The checks made on every URL before connecting: scheme, port, and IP literals (which skip DNS). */
function checkUrl(url: URL, options: { ports: 'web' | 'any'; trusted: boolean }): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('blocked_protocol', `Only http and https addresses can be fetched, not ${url.protocol}`);
  }
  if (options.trusted) return;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (options.ports === 'web' && !WEB_PORTS.has(port))
    throw new SafeFetchError('blocked_port', `Port ${port} is not a web port (80 or 443).`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    const problem = addressProblem(host);
    if (problem) throw new SafeFetchError('blocked_address', `${url.hostname} is a ${problem}.`);
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    // RFC 6761: always this machine, whatever DNS says. The connect check would catch it too.
    throw new SafeFetchError('blocked_address', `${host} is this machine.`);
  }
}

/** Errors a stream once more than `max` bytes went through it. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > max) controller.error(new SafeFetchError('body_too_large', `The response is larger than ${max} bytes.`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** Decoders for the content codings we ask for, as WHATWG fetch decodes them. */
const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The response's headers in order, repeated ones (set-cookie) kept apart. */
function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  return headers;
}

/**
 * One request over Node's own http/https (built in: nothing to load at cold start) through the
 * given agents. Resolves with the status, headers and decoded body stream once headers arrive;
 * a transport failure rejects as WHATWG fetch does, with a `TypeError('fetch failed')` whose
 * cause is the socket's error.
 */
function send(
  url: URL,
  init: { method: string; headers: Headers; body: ArrayBuffer | undefined; signal: AbortSignal },
  agents: Agents,
): Promise<{ status: number; statusText: string; headers: Headers; body: ReadableStream<Uint8Array> | null }> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const headers = Object.fromEntries(init.headers);
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: init.method,
      headers,
      agent: https ? agents.https : agents.http,
      signal: init.signal,
    });
    request.once('error', (error) =>
      reject(
        init.signal.aborted && init.signal.reason instanceof Error ? init.signal.reason : new TypeError('fetch failed', { cause: error }),
      ),
    );
    request.once('response', (message) => {
      const decode = DECODERS[(message.headers['content-encoding'] ?? '').trim().toLowerCase()];
      let stream: Readable = message;
      if (decode) {
        const decoder = decode();
        message.once('error', (error) => (decoder as unknown as Readable).destroy(error));
        stream = message.pipe(decoder) as unknown as Readable;
      }
      resolve({
        status: message.statusCode ?? 0,
        statusText: message.statusMessage ?? '',
        headers: headersOf(message),
        body:
          init.method === 'HEAD' || NULL_BODY.has(message.statusCode ?? 0)
            ? (message.resume(), null)
            : (Readable.toWeb(stream) as ReadableStream<Uint8Array>),
      });
    });
    request.end(init.body ? Buffer.from(init.body) : undefined);
  });
}

/**
 * The one fetcher for anything fetched on a user's behalf (link previews, their images, OAuth
 * and identity documents of servers they name). It refuses URLs and connections that would reach
 * anything but the public internet, follows redirects itself so each hop is checked, and bounds
 * time, redirects and body size.
 */
export function createSafeFetch(options: SafeFetchOptions = {}): SafeFetch {
  const trustedOrigins = new Set((options.allowPrivateOrigins ?? []).map((origin) => new URL(origin).origin));
  const ports = options.ports ?? 'web';
  const maxRedirects = options.maxRedirects ?? 5;
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const contentTypes = options.contentTypes ? new Set(options.contentTypes.map((type) => type.toLowerCase())) : undefined;
  const checked = createCheckedAgents(options.lookup ? { lookup: options.lookup } : {});
  // Allow-listed origins only: the local PDS on 127.0.0.1 is legitimately private.
  const trusted = createPlainAgents();

  async function hop(url: URL, init: { method: string; headers: Headers; body: ArrayBuffer | undefined; signal: AbortSignal }) {
    const isTrusted = trustedOrigins.has(url.origin);
    checkUrl(url, { ports, trusted: isTrusted });
    try {
      return await send(url, init, isTrusted ? trusted : checked);
    } catch (error) {
      const refused = findSafeFetchError(error);
      if (refused) throw refused;
      if (init.signal.aborted && (init.signal.reason as Error | undefined)?.name === 'TimeoutError') {
        throw new SafeFetchError('timeout', `No complete answer within ${timeoutMs} ms.`, { cause: error });
      }
      throw error;
    }
  }

  const safeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    let url = new URL(request.url);
    let method = request.method;
    let body = request.body ? await request.arrayBuffer() : undefined;
    const headers = new Headers(request.headers);
    if (options.userAgent && !headers.has('user-agent')) headers.set('user-agent', options.userAgent);

    let response: Awaited<ReturnType<typeof send>>;
    for (let redirects = 0; ; redirects++) {
      response = await hop(url, { method, headers, body, signal });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location || request.redirect === 'manual') break;
      await response.body?.cancel();
      if (request.redirect === 'error') throw new TypeError(`${url.href} redirects, and redirects were not allowed.`);
      if (redirects >= maxRedirects) throw new SafeFetchError('too_many_redirects', `More than ${maxRedirects} redirects.`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (cause) {
        throw new SafeFetchError('invalid_url', 'The server redirected to an invalid address.', { cause });
      }
      // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
      if (response.status === 303 ? method !== 'HEAD' : (response.status === 301 || response.status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language']) headers.delete(name);
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      url = next;
    }

    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      await response.body?.cancel();
      throw new SafeFetchError('body_too_large', `The response is larger than ${maxBodyBytes} bytes.`);
    }
    if (
      contentTypes &&
      response.status >= 200 &&
      response.status < 300 &&
      !contentTypes.has(mediaType(response.headers.get('content-type')))
    ) {
      await response.body?.cancel();
      throw new SafeFetchError(
        'unsupported_content_type',
        `Expected ${[...contentTypes].join(' or ')}, got ${mediaType(response.headers.get('content-type')) || 'no content type'}.`,
      );
    }
    // Hand back the platform's own Response: libraries check `instanceof Response`.
    const out = new Response(NULL_BODY.has(response.status) || !response.body ? null : capped(response.body, maxBodyBytes), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(out, 'url', { value: url.href });
    Object.defineProperty(out, 'redirected', { value: url.href !== request.url });
    return out;
  };

  return {
    fetch: safeFetch,
    close: async () => {
      checked.close();
      trusted.close();
    },
  };
}
