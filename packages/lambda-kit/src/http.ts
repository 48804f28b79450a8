import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { BadRequestError, NotFoundError, UnauthorizedError } from './errors';
import { errorToResponse } from './error-response';
import type { Logger } from './logger';
import { parseInput } from './validation';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
export interface Route {
  method: Exclude<Method, 'ANY'>;
  path: string;
  handler: RouteHandler;
}

/** A JSON response. */
export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** Reads and validates a JSON body; malformed JSON and schema violations are both 400s. */
export function parseJsonBody<S extends z.ZodType>(event: HttpEvent, schema: S): z.output<S> {
  if (!event.body) return parseInput(schema, undefined);
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError('invalid_json', { path: 'body' });
  }
  return parseInput(schema, value);
}

/**
 * An API Gateway HTTP API (v2) handler from a route table: one middy stack for every HTTP service,
 * with the request id as correlation id and every error mapped to the shared error shape.
 */
export function createHttpHandler(options: { logger: Logger; routes: Route[] }) {
  const { logger, routes } = options;
  const router = httpRouterHandler<HttpEvent, HttpResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      throw new NotFoundError('route_not_found', { params: { method, path }, path: 'path' });
    },
  });
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request: middy.Request<HttpEvent, HttpResult>) => {
        logger.appendKeys({ correlationId: request.event.requestContext?.requestId });
      },
      onError: (request: middy.Request<HttpEvent, HttpResult>) => {
        request.response = errorToResponse(request.error, logger, request.event.requestContext?.requestId);
      },
    })
    .handler(router);
}

/**
 * The caller's DID. API Gateway's JWT authorizer (the local gateway, locally) has verified the
 * token and put its claims on the event; a route without them was misconfigured, and fails closed.
 */
export function authenticatedDid(event: HttpEvent): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || !sub.startsWith('did:')) throw new UnauthorizedError('unauthorized');
  return sub;
}
