import { createScheduledHandler } from '@chronopost/lambda-kit';
import { METRIC_NAMES } from '@chronopost/shared-schemas';
import type { TokenRefresherContext } from './context';
import { sweep } from './sweep';

export { loadConfig, loadSecrets } from './config';
export { createContext, type TokenRefresherContext } from './context';
export { refreshSessions, sweep } from './sweep';

/** The token refresher Lambda: an EventBridge schedule, `rate(5 minutes)`. */
export const makeHandler = (ctx: TokenRefresherContext) =>
  createScheduledHandler({
    logger: ctx.logger,
    run: async () => {
      const result = await sweep(ctx);
      ctx.metrics.count(METRIC_NAMES.tokenRefreshes, result.refresh.refreshed);
      // Refused for good: the session ended and its owner was told.
      ctx.metrics.count(METRIC_NAMES.tokenRefreshRefusals, result.refresh.ended);
      ctx.metrics.flush();
      return result;
    },
  });
