import { eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { accounts } from '../schema';

export interface AccountProfile {
  did: string;
  handle: string;
  pdsUrl: string;
  displayName?: string | null;
  avatarUrl?: string | null;
}

/** Creates the account on first login, refreshes handle, PDS and profile on every later one. */
export async function upsertAccount(db: Database, profile: AccountProfile): Promise<void> {
  await db
    .insert(accounts)
    .values({ ...profile, displayName: profile.displayName ?? null, avatarUrl: profile.avatarUrl ?? null })
    .onConflictDoUpdate({
      target: accounts.did,
      set: {
        handle: profile.handle,
        pdsUrl: profile.pdsUrl,
        displayName: sql`excluded.display_name`,
        avatarUrl: sql`excluded.avatar_url`,
        updatedAt: sql`now()`,
      },
    });
}

export async function findAccount(db: Database, did: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.did, did));
  return row;
}
