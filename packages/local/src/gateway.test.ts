import { describe, expect, it } from 'vitest';
import { compileRoute, matchRoute } from './gateway';
import { encodeS3EventKey } from './s3';

describe('gateway routing', () => {
  const routes = [
    compileRoute({ service: 'api', method: 'GET', path: '/posts', auth: 'jwt' }),
    compileRoute({ service: 'api', method: 'GET', path: '/posts/{id}', auth: 'jwt' }),
    compileRoute({ service: 'api', method: 'POST', path: '/posts/{id}/retry', auth: 'jwt' }),
    compileRoute({ service: 'oauth', method: 'GET', path: '/files/{proxy+}', auth: 'none' }),
  ];

  it('matches static and parameterised paths', () => {
    expect(matchRoute(routes, 'GET', '/posts')?.route.spec.path).toBe('/posts');
    expect(matchRoute(routes, 'GET', '/posts/abc')?.pathParameters).toEqual({ id: 'abc' });
    expect(matchRoute(routes, 'POST', '/posts/abc/retry')?.pathParameters).toEqual({ id: 'abc' });
  });

  it('does not match another method or a longer path', () => {
    expect(matchRoute(routes, 'DELETE', '/posts/abc')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/posts/abc/def')).toBeUndefined();
  });

  it('decodes path parameters and supports greedy ones', () => {
    expect(matchRoute(routes, 'GET', '/posts/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(matchRoute(routes, 'GET', '/files/a/b/c.png')?.pathParameters).toEqual({ proxy: 'a/b/c.png' });
  });
});

describe('malformed paths', () => {
  const routes = [compileRoute({ service: 'api', method: 'GET', path: '/posts/{id}', auth: 'jwt' })];
  it.each(['%E0%A4%A', '%', '%ZZ'])('marks a broken percent-escape (%s) instead of throwing', (segment) => {
    expect(matchRoute(routes, 'GET', `/posts/${segment}`)).toMatchObject({ pathParameters: null });
  });
});

describe('S3 notification keys', () => {
  it('are URL-encoded with + for spaces and / kept', () => {
    expect(encodeS3EventKey('media/did:plc:abc/my photo+1.png')).toBe('media/did%3Aplc%3Aabc/my+photo%2B1.png');
  });
});
