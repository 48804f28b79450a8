import { countDuePosts } from '@chronopost/db';
import type { DispatcherContext } from './context';

/** Posts due before the next tick plus this margin are handled by this tick. */
export const LOOK_AHEAD_MS = 75_000;

export interface TickResult {
  at: string;
  due: number;
}

/**
 * One dispatcher tick. For now it measures what is due in the look-ahead window; claiming and
 * queueing arrive with the dispatch issue.
 */
export async function tick(ctx: DispatcherContext): Promise<TickResult> {
  const now = ctx.now();
  const due = await countDuePosts(ctx.db, new Date(now.getTime() + LOOK_AHEAD_MS));
  const result = { at: now.toISOString(), due };
  ctx.logger.info('dispatcher tick', { ...result });
  return result;
}
