import { eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { accountSettings } from '../schema';

/** The account's saved settings as stored (the caller parses them with its schema), or undefined. */
export async function readAccountSettings(db: Database, did: string): Promise<{ settings: unknown; updatedAt: Date } | undefined> {
  const [row] = await db
    .select({ settings: accountSettings.settings, updatedAt: accountSettings.updatedAt })
    .from(accountSettings)
    .where(eq(accountSettings.did, did));
  return row;
}

/** Replaces the account's settings (already validated by the caller). */
export async function saveAccountSettings(db: Database, did: string, settings: unknown): Promise<Date> {
  const [row] = await db
    .insert(accountSettings)
    .values({ did, settings })
    .onConflictDoUpdate({ target: accountSettings.did, set: { settings, updatedAt: sql`now()` } })
    .returning({ updatedAt: accountSettings.updatedAt });
  return row!.updatedAt;
}
