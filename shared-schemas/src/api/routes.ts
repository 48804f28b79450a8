/**
 * Every HTTP route, the service that answers it and whether it needs an app access token. API
 * Gateway's routes (terraform) and the local gateway are both built from this list, so they
 * cannot drift from each other; each service's router is tested against it.
 */
export const HTTP_SERVICES = ['api', 'oauth'] as const;
export type HttpService = (typeof HTTP_SERVICES)[number];

export interface HttpRouteSpec {
  service: HttpService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway syntax: `/posts/{id}`. */
  path: string;
  /** `jwt`: API Gateway's JWT authorizer (and the local gateway) checks the app access token first. */
  auth: 'none' | 'jwt';
}

export const HTTP_ROUTES: readonly HttpRouteSpec[] = [
  { service: 'api', method: 'GET', path: '/health', auth: 'none' },
  { service: 'api', method: 'GET', path: '/me', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/openapi.json', auth: 'none' },
  { service: 'api', method: 'POST', path: '/posts', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/posts', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/posts/{id}', auth: 'jwt' },
  { service: 'api', method: 'PATCH', path: '/posts/{id}', auth: 'jwt' },
  { service: 'api', method: 'DELETE', path: '/posts/{id}', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/posts/{id}/schedule', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/posts/{id}/retry', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/posts/{id}/unschedule', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/posts/{id}/attempts', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/media', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/media/{id}', auth: 'jwt' },
  { service: 'api', method: 'DELETE', path: '/media/{id}', auth: 'jwt' },
  { service: 'api', method: 'PUT', path: '/media/{id}/captions/{lang}', auth: 'jwt' },
  { service: 'api', method: 'DELETE', path: '/media/{id}/captions/{lang}', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/link-preview', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/notifications', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/notifications/read-all', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/notifications/{id}/read', auth: 'jwt' },
  { service: 'api', method: 'POST', path: '/notifications/{id}/dismiss', auth: 'jwt' },
  { service: 'api', method: 'GET', path: '/settings', auth: 'jwt' },
  { service: 'api', method: 'PUT', path: '/settings', auth: 'jwt' },
  { service: 'oauth', method: 'GET', path: '/oauth/client-metadata.json', auth: 'none' },
  { service: 'oauth', method: 'GET', path: '/oauth/jwks.json', auth: 'none' },
  { service: 'oauth', method: 'POST', path: '/oauth/login', auth: 'none' },
  { service: 'oauth', method: 'GET', path: '/oauth/callback', auth: 'none' },
  { service: 'oauth', method: 'POST', path: '/auth/refresh', auth: 'none' },
  { service: 'oauth', method: 'POST', path: '/auth/logout', auth: 'none' },
  { service: 'oauth', method: 'GET', path: '/.well-known/jwks.json', auth: 'none' },
  { service: 'oauth', method: 'GET', path: '/.well-known/openid-configuration', auth: 'none' },
];

/**
 * CORS of the HTTP API for the web app's origin, as API Gateway applies it (terraform) and the local
 * gateway imitates it: the request headers a browser may send (ETag preconditions for polling and
 * edits) and the response headers its scripts may read.
 */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match'] as const;
export const CORS_EXPOSE_HEADERS = ['etag', 'retry-after'] as const;
