import { createScheduledHandler } from '@chronopost/lambda-kit';
import type { TokenRefresherContext } from './context';
import { sweep } from './sweep';

export { loadConfig } from './config';
export { createContext, type TokenRefresherContext } from './context';
export { refreshSessions, sweep } from './sweep';

/** The token refresher Lambda: an EventBridge schedule, `rate(5 minutes)`. */
export const makeHandler = (ctx: TokenRefresherContext) => createScheduledHandler({ logger: ctx.logger, run: () => sweep(ctx) });
