import { createScheduledHandler } from '@chronopost/lambda-kit';
import type { DispatcherContext } from './context';
import { tick } from './tick';

export { loadConfig } from './config';
export { createContext, type DispatcherContext } from './context';

/** The dispatcher Lambda: an EventBridge schedule, `rate(1 minute)`. */
export const makeHandler = (ctx: DispatcherContext) => createScheduledHandler({ logger: ctx.logger, run: () => tick(ctx) });
export { tick, type TickResult } from './tick';
export { redrive, type RedriveResult } from './redrive';
