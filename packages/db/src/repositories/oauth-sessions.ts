import type { SessionState } from '@chronopost/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { accounts, oauthSessions } from '../schema';

export interface SealedSession {
  ciphertext: Buffer;
  encryptedDataKey: Buffer;
  keyId: string;
}

/**
 * Stores a (re)issued session: the row becomes `active` whatever it was, since a new login
 * replaces an ended session and a refresh renews a live one.
 */
export async function saveOauthSession(
  db: Database,
  row: SealedSession & { did: string; clientId: string; accessExpiresAt: Date | null; pdsUrl: string },
): Promise<void> {
  const values = {
    did: row.did,
    state: 'active' as const,
    ciphertext: row.ciphertext,
    encryptedDataKey: row.encryptedDataKey,
    keyId: row.keyId,
    clientId: row.clientId,
    accessExpiresAt: row.accessExpiresAt,
    lastRefreshAt: new Date(),
    endedAt: null,
    endReason: null,
  };
  await db.transaction(async (tx) => {
    // The OAuth client stores a new session before the login handler knows the handle: make sure
    // the account exists (the handler fills in handle and profile right after).
    await tx.insert(accounts).values({ did: row.did, handle: 'handle.invalid', pdsUrl: row.pdsUrl }).onConflictDoNothing();
    await tx
      .insert(oauthSessions)
      .values(values)
      .onConflictDoUpdate({ target: oauthSessions.did, set: { ...values, updatedAt: sql`now()` } });
  });
}

/** The sealed session of a DID while it can still be used (`active` or `refreshing`). */
export async function loadOauthSession(db: Database, did: string) {
  const [row] = await db
    .select()
    .from(oauthSessions)
    .where(and(eq(oauthSessions.did, did), inArray(oauthSessions.state, ['active', 'refreshing'])));
  if (!row?.ciphertext || !row.encryptedDataKey || !row.keyId) return undefined;
  return { ...row, ciphertext: row.ciphertext, encryptedDataKey: row.encryptedDataKey, keyId: row.keyId };
}

/** `active → refreshing`, only from `active` (the caller holds the refresh lock). */
export async function markOauthSessionRefreshing(db: Database, did: string): Promise<boolean> {
  const updated = await db
    .update(oauthSessions)
    .set({ state: 'refreshing', updatedAt: sql`now()` })
    .where(and(eq(oauthSessions.did, did), eq(oauthSessions.state, 'active')))
    .returning({ did: oauthSessions.did });
  return updated.length === 1;
}

/**
 * Ends a session (`expired` or `revoked`) and wipes its secrets. Only a live session ends; an
 * ended one may still be re-labelled from `expired` to `revoked` once the cause is known.
 */
export async function endOauthSession(
  db: Pick<Database, 'update'>,
  did: string,
  state: Extract<SessionState, 'expired' | 'revoked'>,
  reason: string,
) {
  const from: SessionState[] = state === 'revoked' ? ['active', 'refreshing', 'expired'] : ['active', 'refreshing'];
  const updated = await db
    .update(oauthSessions)
    .set({
      state,
      ciphertext: null,
      encryptedDataKey: null,
      keyId: null,
      endedAt: sql`coalesce(ended_at, now())`,
      endReason: reason,
      updatedAt: sql`now()`,
    })
    .where(and(eq(oauthSessions.did, did), inArray(oauthSessions.state, from)))
    .returning({ did: oauthSessions.did });
  return updated.length === 1;
}

/** Removes the row entirely (logout). */
export async function deleteOauthSession(db: Database, did: string): Promise<void> {
  await db.delete(oauthSessions).where(eq(oauthSessions.did, did));
}

/** Public facts about a session, for the user and for the refresher; no secrets. */
export async function describeOauthSession(db: Database, did: string) {
  const [row] = await db
    .select({
      state: oauthSessions.state,
      clientId: oauthSessions.clientId,
      accessExpiresAt: oauthSessions.accessExpiresAt,
      lastRefreshAt: oauthSessions.lastRefreshAt,
      endedAt: oauthSessions.endedAt,
      endReason: oauthSessions.endReason,
      createdAt: oauthSessions.createdAt,
    })
    .from(oauthSessions)
    .where(eq(oauthSessions.did, did));
  return row;
}
