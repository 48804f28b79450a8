import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
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

/** A request read and checked ahead, sent by `send()`: at that moment only the request itself remains. */
export interface PreparedRequest {
  /**
   * Sends it (what `fetch` does with it), once. Its connection was taken or made by `prepare`:
   * when it is ready, the request is written to it before this returns.
   */
  send: () => Promise<Response>;
  /** Gives it up unsent, closing the connection it took. */
  discard: () => void;
}

export interface SafeFetch {
  /** WHATWG `fetch` (global Request/Response), for libraries that take a `fetch`. */
  fetch: typeof globalThis.fetch;
  /**
   * `fetch` in two steps: reads the request (body, headers), checks its address and takes or
   * makes its connection now; `send()` does the rest, under the same rules and with the whole
   * timeout counted from then.
   */
  prepare: (input: string | URL | Request, init?: RequestInit) => Promise<PreparedRequest>;
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

type Answer = { status: number; statusText: string; headers: Headers; body: ReadableStream<Uint8Array> | null };

/** A request begun (its connection taken from the pool or being made) and not yet written. */
interface Opened {
  request: ClientRequest;
  /** Aborts the request: what `write` links the exchange's signal to. */
  controller: AbortController;
  /** The answer, once headers arrive; rejects as WHATWG fetch does on a transport failure. */
  answer: Promise<Answer>;
  /** It failed before it was written (a pooled connection the server closed meanwhile, say). */
  failed: boolean;
}

/**
 * Begins one request over Node's own http/https (built in: nothing to load at cold start) through
 * the given agents: a connection is taken or made, and nothing is sent until `write`. The answer
 * resolves with the status, headers and decoded body stream once headers arrive; a transport
 * failure rejects as WHATWG fetch does, with a `TypeError('fetch failed')` whose cause is the
 * socket's error (or the signal's reason, when the exchange's signal aborted it).
 */
function open(url: URL, init: { method: string; headers: Record<string, string> }, agents: Agents): Opened {
  const https = url.protocol === 'https:';
  const controller = new AbortController();
  const request = (https ? httpsRequest : httpRequest)(url, {
    method: init.method,
    headers: init.headers,
    agent: https ? agents.https : agents.http,
    signal: controller.signal,
  });
  const opened: Opened = { request, controller, failed: false, answer: undefined as never };
  opened.answer = new Promise<Answer>((resolve, reject) => {
    request.once('error', (error) => {
      opened.failed = true;
      const { signal } = controller;
      reject(signal.aborted && signal.reason instanceof Error ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
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
  });
  // A request that fails before it is written is opened again when it is (see `hop`).
  opened.answer.catch(() => undefined);
  return opened;
}

/** Writes the request (headers and body, one write to the socket when it is connected) under `signal`. */
function write(opened: Opened, body: Buffer | undefined, signal: AbortSignal): Promise<Answer> {
  if (signal.aborted) opened.controller.abort(signal.reason);
  else signal.addEventListener('abort', () => opened.controller.abort(signal.reason), { once: true });
  opened.request.end(body);
  return opened.answer;
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

  const agentsFor = (url: URL) => (trustedOrigins.has(url.origin) ? trusted : checked);

  /**
   * One exchange with one URL: checked, then written — on `opened` (begun by `prepare`) unless it
   * failed before it was written (nothing of it was sent: begun again here).
   */
  async function hop(
    url: URL,
    init: { method: string; headers: Record<string, string>; body: Buffer | undefined; signal: AbortSignal },
    opened?: Opened,
  ) {
    checkUrl(url, { ports, trusted: trustedOrigins.has(url.origin) });
    try {
      const ready = opened && !opened.failed ? opened : open(url, init, agentsFor(url));
      return await write(ready, init.body, init.signal);
    } catch (error) {
      const refused = findSafeFetchError(error);
      if (refused) throw refused;
      if (init.signal.aborted && (init.signal.reason as Error | undefined)?.name === 'TimeoutError') {
        throw new SafeFetchError('timeout', `No complete answer within ${timeoutMs} ms.`, { cause: error });
      }
      throw error;
    }
  }

  /** The headers as `http.request` takes them, with the content codings we decode. */
  const wire = (headers: Headers) => {
    const out = Object.fromEntries(headers);
    out['accept-encoding'] ??= 'gzip, deflate, br';
    return out;
  };

  const prepare = async (input: string | URL | Request, init?: RequestInit): Promise<PreparedRequest> => {
    const request = new Request(input, init);
    const first = new URL(request.url);
    // Refused now rather than at the send: the same checks run again on every hop.
    checkUrl(first, { ports, trusted: trustedOrigins.has(first.origin) });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers = new Headers(request.headers);
    if (options.userAgent && !headers.has('user-agent')) headers.set('user-agent', options.userAgent);
    const firstWire = wire(headers);
    // Its connection is taken (or made) now; nothing is written before `send`.
    const opened = open(first, { method: request.method, headers: firstWire }, agentsFor(first));
    let used = false;
    return {
      send: () => {
        if (used) return Promise.reject(new TypeError('A prepared request is sent once.'));
        used = true;
        return exchange(request, { url: first, headers, firstWire, body, opened });
      },
      discard: () => {
        if (used) return;
        used = true;
        opened.request.destroy();
      },
    };
  };

  async function exchange(
    request: Request,
    first: { url: URL; headers: Headers; firstWire: Record<string, string>; body: Buffer | undefined; opened: Opened },
  ) {
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    let url = first.url;
    let method = request.method;
    let body = first.body;
    const headers = first.headers;
    let headersOut = first.firstWire;

    let response: Answer;
    for (let redirects = 0; ; redirects++) {
      response = await hop(url, { method, headers: headersOut, body, signal }, redirects === 0 ? first.opened : undefined);
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
      headersOut = wire(headers);
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
  }

  const safeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => (await prepare(input, init)).send();

  return {
    fetch: safeFetch,
    prepare,
    close: async () => {
      checked.close();
      trusted.close();
    },
  };
}
