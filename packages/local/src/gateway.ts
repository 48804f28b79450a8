import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, type HttpRouteSpec, type HttpService } from '@chronopost/shared-schemas';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Logger } from '@chronopost/lambda-kit';
import { AccessTokenError, createAccessTokenVerifier } from '@chronopost/app-auth';
import { LOCAL_ACCOUNT_ID } from './aws-local';
import { invoke, type LambdaFunction } from './lambda-context';
import { listen } from './ports';

export type HttpLambda = LambdaFunction<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/** Lambda's limit on a synchronous request payload. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 30_000;

interface CompiledRoute {
  spec: HttpRouteSpec;
  pattern: RegExp;
  params: string[];
}

/** `/posts/{id}` → a regex with named groups; `{proxy+}` matches the rest of the path. */
export function compileRoute(spec: HttpRouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(match[1]!);
      return match[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { spec, pattern: new RegExp(`^${source}$`), params };
}

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // a broken percent-escape (`%E0%A4%A`, `%`, `%ZZ`)
  }
};

/**
 * The route a request's method and path take, with its decoded path parameters, which are null
 * when one holds a broken percent-escape (API Gateway refuses those with a 400 before any function
 * runs, and so do we, without logging an error for each).
 */
export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; pathParameters: Record<string, string> | null } | undefined {
  for (const route of routes) {
    if (route.spec.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const decoded = route.params.map((name, index) => [name, decodeSegment(match[index + 1]!)] as const);
    if (decoded.some(([, value]) => value === undefined)) return { route, pathParameters: null };
    return { route, pathParameters: Object.fromEntries(decoded) as Record<string, string> };
  }
  return undefined;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds the event API Gateway's HTTP API (payload format 2.0) sends to a Lambda. */
export function buildEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  domainName: string,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isBase64Encoded = body.length > 0 && !TEXT_TYPES.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isBase64Encoded ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded,
  };
}

/** Writes a Lambda proxy result the way API Gateway does (a bare object or string means 200 JSON). */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2, extraHeaders: Record<string, string>) {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: typeof result === 'string' ? result : JSON.stringify(result),
        };
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body ?? '';
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function writeGatewayError(response: ServerResponse, status: number, message: string, extraHeaders: Record<string, string>) {
  // API Gateway's own errors have this shape, not ours; clients must cope with both.
  response.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
  response.end(JSON.stringify({ message }));
}

export interface LocalGatewayOptions {
  host: string;
  port: number;
  routes: readonly HttpRouteSpec[];
  handlers: Record<HttpService, HttpLambda>;
  /** The web app's origin: answered like API Gateway's CORS configuration. */
  webOrigin: string;
  /** The JWT authorizer of `auth: 'jwt'` routes, configured as in API Gateway. */
  authorizer: { issuer: string; audience: string };
  logger: Logger;
}

/** API Gateway hands the authorizer's claims to the integration as strings. */
const claimsForEvent = (claims: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));

export interface LocalGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * A stand-in for API Gateway's HTTP API: matches the same route table, builds payload-2.0 events,
 * invokes the owning service's handler with API Gateway's timeout and CORS, and maps the result.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const routes = options.routes.map(compileRoute);
  const inFlight = new Set<Promise<unknown>>();
  const verifier = createAccessTokenVerifier(options.authorizer);
  // API Gateway's authorizer runs outside the function; here its signature check is a sixth of a
  // GET /posts's CPU (`pnpm bench api --cpu-prof`), so a verified token is remembered until it
  // expires, as a client resends the same one for its whole life.
  const verified = new Map<string, { claims: Awaited<ReturnType<typeof verifier.verify>>; expiresAt: number }>();
  const verify = async (token: string) => {
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.claims;
    const claims = await verifier.verify(token);
    if (verified.size >= 1_000) verified.delete(verified.keys().next().value!);
    if (typeof claims.exp === 'number') verified.set(token, { claims, expiresAt: claims.exp * 1000 });
    return claims;
  };

  const server = createServer((request, response) => {
    const work = handle(request, response).catch((error: unknown) => {
      options.logger.error('gateway failure', { error });
      if (!response.headersSent) writeGatewayError(response, 500, 'Internal Server Error', {});
      else response.end();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const received = performance.now();
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin === options.webOrigin
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
            // On the answer itself, as API Gateway does: scripts read ETag (polling) and Retry-After.
            'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
            vary: 'origin',
          }
        : {};
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;

    if (method === 'OPTIONS' && request.headers['access-control-request-method']) {
      response.writeHead(204, {
        ...cors,
        ...(origin === options.webOrigin
          ? {
              'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
              'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
              'access-control-max-age': '600',
            }
          : {}),
      });
      response.end();
      return;
    }

    const matched = matchRoute(routes, method, path);
    if (matched?.pathParameters === null) {
      writeGatewayError(response, 400, 'Bad Request', cors);
      return;
    }
    if (!matched) {
      writeGatewayError(response, 404, 'Not Found', cors);
      return;
    }
    const body = await readBody(request);
    if (body === 'too-large') {
      writeGatewayError(response, 413, 'Request Entity Too Large', cors);
      return;
    }
    const { spec } = matched.route;
    const event = buildEvent(
      request,
      body,
      `${spec.method} ${spec.path}`,
      matched.pathParameters ?? undefined,
      request.headers.host ?? 'localhost',
    );
    if (spec.auth === 'jwt') {
      // The same checks as API Gateway's JWT authorizer, before the function runs.
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      try {
        if (!bearer) throw new AccessTokenError('missing bearer token');
        const claims = await verify(bearer);
        (event.requestContext as { authorizer?: unknown }).authorizer = { jwt: { claims: claimsForEvent({ ...claims }), scopes: null } };
      } catch (error) {
        const description = (error as Error).message.replaceAll('"', "'");
        writeGatewayError(response, 401, 'Unauthorized', {
          ...cors,
          'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"`,
        });
        return;
      }
    }
    let result: APIGatewayProxyResultV2;
    try {
      result = await invoke(spec.service, options.handlers[spec.service], event, INTEGRATION_TIMEOUT_MS);
    } catch (error) {
      // A handler that throws or times out is an integration failure, as in AWS.
      options.logger.error('integration failed', { service: spec.service, routeKey: event.routeKey, error });
      const timedOut = (error as Error).message.includes('timed out');
      writeGatewayError(response, timedOut ? 503 : 500, timedOut ? 'Service Unavailable' : 'Internal Server Error', cors);
      return;
    }
    // Local only (API Gateway adds no such header): how long the request spent in here, body read,
    // authorizer and function included, so `pnpm bench api` can tell its time from the network's
    // and the load generator's.
    writeResult(response, result, { ...cors, 'server-timing': `gateway;dur=${(performance.now() - received).toFixed(2)}` });
  }

  const port = await listen(server, options.host, options.port);
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.allSettled([...inFlight]);
    },
  };
}
