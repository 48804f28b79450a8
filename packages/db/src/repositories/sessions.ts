import { and, count, eq, lte } from 'drizzle-orm';
import type { Database } from '../connection';
import { oauthSessions } from '../schema';

/** Active sessions whose access token expires by `until`. */
export async function countSessionsExpiringBy(db: Database, until: Date): Promise<number> {
  const [row] = await db
    .select({ sessions: count() })
    .from(oauthSessions)
    .where(and(eq(oauthSessions.state, 'active'), lte(oauthSessions.accessExpiresAt, until)));
  return row?.sessions ?? 0;
}
