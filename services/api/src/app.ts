import { createHttpHandler, type Route } from '@chronopost/lambda-kit';
import type { ApiContext } from './context';
import { healthRoute } from './routes/health';
import { meRoute } from './routes/me';
import { mediaRoutes } from './media/routes';
import { postRoutes } from './posts/routes';
import { notificationRoutes } from './routes/notifications';
import { openApiRoute } from './routes/openapi';
import { settingsRoutes } from './routes/settings';

export { loadConfig, loadSecrets } from './config';
export { createContext, type ApiContext } from './context';

export const apiRoutes = (ctx: ApiContext): Route[] => [
  healthRoute(ctx),
  meRoute(ctx),
  openApiRoute(),
  ...postRoutes(ctx),
  ...mediaRoutes(ctx),
  ...notificationRoutes(ctx),
  ...settingsRoutes(ctx),
];

/** The api Lambda: API Gateway HTTP API (v2) events in, JSON out. */
export const makeHandler = (ctx: ApiContext) => createHttpHandler({ logger: ctx.logger, routes: apiRoutes(ctx) });
