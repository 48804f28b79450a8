import { json, type Route } from '@chronopost/lambda-kit';
import { buildOpenApiDocument } from '../openapi';

/** `GET /openapi.json`: the API's description, generated from its zod schemas. */
export const openApiRoute = (): Route => {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    handler: async () => json(200, (document ??= buildOpenApiDocument()), { 'cache-control': 'public, max-age=300' }),
  };
};
