import { HTTP_ROUTES } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import * as api from '@chronopost/service-api';
import * as oauth from '@chronopost/service-oauth';

// The route table drives API Gateway and the local gateway; each service must answer exactly its rows.
describe('HTTP route table', () => {
  const env = { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', LOG_LEVEL: 'SILENT' };
  const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

  it('matches the api service', async () => {
    const context = api.createContext(api.loadConfig(env));
    try {
      expect(api.apiRoutes(context).map(key).sort()).toEqual(HTTP_ROUTES.filter((r) => r.service === 'api').map(key).sort());
    } finally {
      await context.db.$client.end();
    }
  });

  it('matches the oauth service', async () => {
    const context = oauth.createContext(oauth.loadConfig(env));
    try {
      expect(oauth.oauthRoutes(context).map(key).sort()).toEqual(HTTP_ROUTES.filter((r) => r.service === 'oauth').map(key).sort());
    } finally {
      await context.db.$client.end();
    }
  });
});
