import { createScheduledHandler } from '@chronopost/lambda-kit';
import type { RetentionContext } from './context';
import { retain } from './retain';

export { loadConfig, loadSecrets } from './config';
export { createContext, type RetentionContext } from './context';
export { retain, type RetentionResult } from './retain';

/** The retention Lambda: an EventBridge schedule, `rate(1 day)`. */
export const makeHandler = (ctx: RetentionContext) => createScheduledHandler({ logger: ctx.logger, run: () => retain(ctx) });
