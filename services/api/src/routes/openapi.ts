import { json, type Route } from '@chronopost/lambda-kit';
import type { buildOpenApiDocument } from '../openapi';

/** `GET /openapi.json`: the API's description, generated from its zod schemas. */
export const openApiRoute = (): Route => {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    // Built on the first request, from a module loaded then: zod-openapi is no part of a cold start.
    handler: async () =>
      json(200, (document ??= (await import('../openapi')).buildOpenApiDocument()), { 'cache-control': 'public, max-age=300' }),
  };
};
