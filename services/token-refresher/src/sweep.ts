import { countSessionsExpiringBy } from '@chronopost/db';
import type { TokenRefresherContext } from './context';

/** Sessions whose access token ends within this window are candidates for a refresh. */
export const REFRESH_WINDOW_MS = 15 * 60_000;

/**
 * One refresher run. For now it counts the sessions that will need a refresh; refreshing them
 * arrives with the token-lifecycle issue.
 */
export async function sweep(ctx: TokenRefresherContext): Promise<{ at: string; expiringSessions: number }> {
  const now = ctx.now();
  const expiringSessions = await countSessionsExpiringBy(ctx.db, new Date(now.getTime() + REFRESH_WINDOW_MS));
  const result = { at: now.toISOString(), expiringSessions };
  ctx.logger.info('token refresher run', { ...result });
  return result;
}
