import { createHttpHandler, type Route } from '@chronopost/lambda-kit';
import type { OauthContext } from './context';
import { loginRoutes } from './routes/login';
import { metadataRoutes } from './routes/metadata';
import { sessionRoutes } from './routes/session';

export { loadConfig, loadSecrets } from './config';
export { createContext, type OauthContext } from './context';

export const oauthRoutes = (ctx: OauthContext): Route[] => [...metadataRoutes(ctx), ...loginRoutes(ctx), ...sessionRoutes(ctx)];

/** The oauth Lambda: API Gateway HTTP API (v2) events for /oauth, /auth and /.well-known. */
export const makeHandler = (ctx: OauthContext) => createHttpHandler({ logger: ctx.logger, routes: oauthRoutes(ctx) });
