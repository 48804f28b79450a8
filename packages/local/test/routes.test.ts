import * as api from '@chronopost/service-api';
import * as oauth from '@chronopost/service-oauth';
import { HTTP_ROUTES, type HttpService } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';

// The route table drives API Gateway and the local gateway; each service must answer exactly its rows.
describe('HTTP route table', () => {
  const env = {
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    LOG_LEVEL: 'SILENT',
    MEDIA_BUCKET: 'media',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    OAUTH_STATE_TABLE: 'state',
    LOCK_TABLE: 'locks',
    LOCAL_MASTER_KEY_FILE: '/nonexistent/master.key',
    APP_JWT_PRIVATE_KEYS: JSON.stringify([{ kty: 'RSA', kid: 'k', d: 'unused' }]),
  };
  const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
  const routesOf: Record<HttpService, () => { routes: string[]; close: () => Promise<void> }> = {
    api: () => {
      const context = api.createContext(api.loadConfig(env), api.loadSecrets(env));
      return { routes: api.apiRoutes(context).map(key), close: () => context.db.$client.end() };
    },
    oauth: () => {
      const context = oauth.createContext(oauth.loadConfig(env), oauth.loadSecrets(env));
      return { routes: oauth.oauthRoutes(context).map(key), close: () => context.db.$client.end() };
    },
  };

  it.each(Object.keys(routesOf) as HttpService[])('matches the %s service', async (service) => {
    const { routes, close } = routesOf[service]();
    try {
      expect(routes.sort()).toEqual(
        HTTP_ROUTES.filter((route) => route.service === service)
          .map(key)
          .sort(),
      );
    } finally {
      await close();
    }
  });
});
