import { createHttpHandler, type Route } from '@chronopost/lambda-kit';
import type { OauthContext } from './context';

export { loadConfig } from './config';
export { createContext, type OauthContext } from './context';

/** The login routes arrive with the OAuth issue; until then every path is an honest 404. */
export const oauthRoutes = (_ctx: OauthContext): Route[] => [];

/** The oauth Lambda: API Gateway HTTP API (v2) events for /oauth, /auth and /.well-known. */
export const makeHandler = (ctx: OauthContext) => createHttpHandler({ logger: ctx.logger, routes: oauthRoutes(ctx) });
