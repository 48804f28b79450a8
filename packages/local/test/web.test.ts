import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testEnvironment } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../src';

describe('the local web server (the Cloudflare Pages stand-in)', () => {
  let server: WebServer;
  const apiUrl = 'http://127.0.0.1:3999';
  beforeAll(async () => {
    server = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      directory: testEnvironment().webBuild,
      apiUrl,
      connect: ['http://localhost:2583'],
    });
  });
  afterAll(() => server.close());

  it('answers any app path with the app, told which API to call, with its security headers', async () => {
    for (const path of ['/', '/compose', '/posts/0b1f0e52-7c71-4f4b-9c3e-6d7a8b5f2a11', '/sign-in?login_error=expired']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain(`<meta name="chronopost-api-url" content="${apiUrl}"`);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' https: ${apiUrl} http://localhost:2583`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the hashed assets for a year, and a missing asset as a 404 rather than the app', async () => {
    const manifest = JSON.parse(await readFile(join(testEnvironment().webBuild, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      { file: string; isEntry?: boolean }
    >;
    const entry = Object.values(manifest).find((chunk) => chunk.isEntry)!;
    const asset = await fetch(`${server.url}/${entry.file}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/assets/gone-1234.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('never serves a file outside the build and answers only GET and HEAD', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const response = await fetch(`${server.url}${path}`);
      expect(await response.text()).not.toContain('"name"');
    }
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}/compose`, { method: 'HEAD' })).status).toBe(200);
  });
});
