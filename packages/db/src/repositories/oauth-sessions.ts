import { AWAITING_STATUSES, LIVE_SESSION_STATES, type SessionState } from '@chronopost/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { accounts, inList, oauthSessions, posts } from '../schema';

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

/** The sealed session of a DID while it can still be used. */
export async function loadOauthSession(db: Database, did: string) {
  const [row] = await db
    .select()
    .from(oauthSessions)
    .where(and(eq(oauthSessions.did, did), inArray(oauthSessions.state, [...LIVE_SESSION_STATES])));
  if (!row?.ciphertext || !row.encryptedDataKey || !row.keyId) return undefined;
  return { ...row, ciphertext: row.ciphertext, encryptedDataKey: row.encryptedDataKey, keyId: row.keyId };
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
  // Only a live session ends; an ended one may still be re-labelled from `expired` to `revoked`.
  const from: SessionState[] = state === 'revoked' ? [...LIVE_SESSION_STATES, 'expired'] : [...LIVE_SESSION_STATES];
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

export interface RefreshCandidate {
  did: string;
  clientId: string;
  accessExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  createdAt: Date;
  /** The earliest due time of the account's waiting posts. */
  nextDueAt: Date | null;
  /** The latest one. */
  lastDueAt: Date | null;
}

/**
 * Live sessions of accounts with posts waiting, with when those posts are due: what the token
 * refresher decides on. Accounts with nothing scheduled are not read at all.
 */
export async function listSessionsWithPendingPosts(
  db: Database,
  options: { limit: number; afterDid?: string },
): Promise<RefreshCandidate[]> {
  const rows = await db.execute<{
    did: string;
    client_id: string;
    access_expires_at: string | Date | null;
    last_refresh_at: string | Date | null;
    created_at: string | Date;
    next_due: string | Date | null;
    last_due: string | Date | null;
  }>(sql`
    SELECT s.did, s.client_id, s.access_expires_at, s.last_refresh_at, s.created_at, p.next_due, p.last_due
    FROM oauth_sessions s
    JOIN LATERAL (
      SELECT min(coalesce(next_attempt_at, scheduled_at)) AS next_due, max(coalesce(next_attempt_at, scheduled_at)) AS last_due
      FROM posts WHERE owner_did = s.did AND ${inArray(posts.status, [...AWAITING_STATUSES])}
    ) p ON p.next_due IS NOT NULL
    WHERE ${sql.raw(inList('s.state', LIVE_SESSION_STATES))} ${options.afterDid ? sql`AND s.did > ${options.afterDid}` : sql``}
    ORDER BY s.did
    LIMIT ${options.limit}`);
  const date = (value: string | Date | null) => (value === null ? null : new Date(value));
  return rows.rows.map((row) => ({
    did: row.did,
    clientId: row.client_id,
    accessExpiresAt: date(row.access_expires_at),
    lastRefreshAt: date(row.last_refresh_at),
    createdAt: new Date(row.created_at),
    nextDueAt: date(row.next_due),
    lastDueAt: date(row.last_due),
  }));
}
