import { createLogger } from '@chronopost/lambda-kit';
import { type LocalGateway, startLocalGateway } from '@chronopost/local';
import { HTTP_ROUTES, healthResponseSchema } from '@chronopost/shared-schemas';
import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler } from '../src/app';

const logger = createLogger('test', 'SILENT');

/** The api behind the local API Gateway stand-in, as `pnpm dev` serves it. */
async function serve(databaseUrl: string): Promise<{ gateway: LocalGateway; close: () => Promise<void> }> {
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'SILENT', MEDIA_BUCKET: 'media' };
  const context = createContext(loadConfig(env), loadSecrets(env));
  const handler = makeHandler(context);
  const gateway = await startLocalGateway({
    host: '127.0.0.1',
    port: 0,
    routes: HTTP_ROUTES,
    handlers: { api: handler, oauth: handler },
    webOrigin: 'http://localhost:5173',
    authorizer: { issuer: 'http://127.0.0.1:1', audience: 'chronopost-api' },
    logger,
  });
  return {
    gateway,
    close: async () => {
      await gateway.close();
      await context.db.$client.end();
    },
  };
}

describe('GET /health', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('answers 200 with the database reachable and its migration', async () => {
    const { gateway, close } = await serve(database.config.url);
    try {
      const sent = performance.now();
      const response = await fetch(`${gateway.url}/health`);
      const elapsed = performance.now() - sent;
      expect(response.status).toBe(200);
      // The local gateway says how long it held the request (`pnpm bench api` reads it): within the round trip.
      const held = Number(/^gateway;dur=([\d.]+)$/.exec(response.headers.get('server-timing') ?? '')?.[1]);
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThanOrEqual(elapsed);
      const body = healthResponseSchema.parse(await response.json());
      expect(body.status).toBe('ok');
      expect(body.database).toMatchObject({ reachable: true, schema: 'public', pendingMigrations: 0 });
      expect(body.database.migration).toMatch(/^\d{4}_/);
    } finally {
      await close();
    }
  });

  it('answers 503 when the database is down, without leaking its address', async () => {
    const { gateway, close } = await serve('postgres://chronopost:secret@127.0.0.1:1/chronopost');
    try {
      const response = await fetch(`${gateway.url}/health`);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).not.toContain('secret');
      expect(healthResponseSchema.parse(JSON.parse(text))).toMatchObject({ status: 'degraded', database: { reachable: false } });
    } finally {
      await close();
    }
  });

  it('answers CORS preflights for the web origin only', async () => {
    const { gateway, close } = await serve(database.config.url);
    try {
      const allowed = await fetch(`${gateway.url}/health`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
      });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const other = await fetch(`${gateway.url}/health`, {
        method: 'OPTIONS',
        headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await close();
    }
  });

  it('answers an unknown route like API Gateway does', async () => {
    const { gateway, close } = await serve(database.config.url);
    try {
      const response = await fetch(`${gateway.url}/no-such-route`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    } finally {
      await close();
    }
  });
});
