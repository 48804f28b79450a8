import { HTTP_ROUTES } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, documentedOperations } from '../src/openapi';

describe('OpenAPI description', () => {
  const document = buildOpenApiDocument();

  it('is OpenAPI 3.1 and documents every route of the api service', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of HTTP_ROUTES.filter((r) => r.service === 'api' && r.path !== '/openapi.json')) {
      const operation = (document.paths?.[route.path] as Record<string, unknown> | undefined)?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
    }
  });

  it('documents no route that does not exist', () => {
    const routes = new Set(HTTP_ROUTES.map((route) => `${route.method} ${route.path}`));
    expect(documentedOperations().filter((key) => !routes.has(key))).toEqual([]);
  });

  it('marks the authenticated routes and describes the shared error shape', () => {
    const post = (document.paths?.['/posts'] as { post: { security?: unknown; responses: Record<string, unknown> } }).post;
    expect(post.security).toEqual([{ appToken: [] }]);
    expect(JSON.stringify(post.responses['400'])).toContain('issues');
    const health = (document.paths?.['/health'] as { get: { security?: unknown } }).get;
    expect(health.security).toBeUndefined();
  });

  it('carries the validation rules of the zod schemas', () => {
    const body = JSON.stringify((document.paths?.['/posts'] as { post: { requestBody: unknown } }).post.requestBody);
    expect(body).toContain('"maxItems":25');
    expect(body).toContain('graphic-media');
  });
});
