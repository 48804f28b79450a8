import { createScheduledHandler } from '@chronopost/lambda-kit';
import { METRIC_NAMES } from '@chronopost/shared-schemas';
import type { DispatcherContext } from './context';
import { tick } from './tick';

export { loadConfig, loadSecrets } from './config';
export { createContext, type DispatcherContext } from './context';

/** The dispatcher Lambda: an EventBridge schedule, `rate(1 minute)`. */
export const makeHandler = (ctx: DispatcherContext) =>
  createScheduledHandler({
    logger: ctx.logger,
    run: async () => {
      const result = await tick(ctx);
      // A tick that completed is the heartbeat; its absence for 5 minutes is an alarm.
      ctx.metrics.count(METRIC_NAMES.dispatchTicks);
      ctx.metrics.count(METRIC_NAMES.postsDispatched, result.queued + result.requeued);
      ctx.metrics.count(METRIC_NAMES.postsMissed, result.missed);
      ctx.metrics.count(METRIC_NAMES.postsFailed, result.crashed + result.deadLetters);
      ctx.metrics.flush();
      return result;
    },
  });
export { CLAIM_WORKERS, tick, type TickResult } from './tick';
export { redrive, type RedriveResult } from './redrive';
