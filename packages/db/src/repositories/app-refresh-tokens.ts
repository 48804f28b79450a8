import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { appRefreshTokens } from '../schema';

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest();
const newToken = () => randomBytes(32).toString('base64url');

/** Starts a new family (a login) and returns its first token. */
export async function issueRefreshToken(
  db: Database,
  did: string,
  ttlMs: number,
): Promise<{ token: string; familyId: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  const [row] = await db
    .insert(appRefreshTokens)
    .values({ familyId: sql`gen_random_uuid()`, did, tokenHash: hash(token), expiresAt })
    .returning({ familyId: appRefreshTokens.familyId });
  return { token, familyId: row!.familyId, expiresAt };
}

export type RotationResult =
  | { outcome: 'rotated'; did: string; familyId: string; token: string; expiresAt: Date }
  | { outcome: 'reused'; did: string; familyId: string }
  | { outcome: 'invalid' };

/**
 * Spends a refresh token and issues its successor in the same family, atomically: of two
 * concurrent uses of one token exactly one wins. Presenting a token that was already spent means
 * it was copied: the whole family is revoked.
 */
export async function rotateRefreshToken(db: Database, token: string, ttlMs: number): Promise<RotationResult> {
  const tokenHash = hash(token);
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(appRefreshTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(appRefreshTokens.tokenHash, tokenHash),
          isNull(appRefreshTokens.usedAt),
          isNull(appRefreshTokens.revokedAt),
          gt(appRefreshTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ did: appRefreshTokens.did, familyId: appRefreshTokens.familyId });
    if (spent) {
      const next = newToken();
      const expiresAt = new Date(Date.now() + ttlMs);
      await tx.insert(appRefreshTokens).values({ familyId: spent.familyId, did: spent.did, tokenHash: hash(next), expiresAt });
      return { outcome: 'rotated', did: spent.did, familyId: spent.familyId, token: next, expiresAt };
    }
    const [known] = await tx
      .select({ did: appRefreshTokens.did, familyId: appRefreshTokens.familyId, usedAt: appRefreshTokens.usedAt })
      .from(appRefreshTokens)
      .where(eq(appRefreshTokens.tokenHash, tokenHash));
    if (known?.usedAt) {
      await tx
        .update(appRefreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(appRefreshTokens.familyId, known.familyId), isNull(appRefreshTokens.revokedAt)));
      return { outcome: 'reused', did: known.did, familyId: known.familyId };
    }
    return { outcome: 'invalid' };
  });
}

/** The DID a live (unspent, unrevoked, unexpired) token belongs to. */
export async function peekRefreshToken(db: Database, token: string): Promise<{ did: string; familyId: string } | undefined> {
  const [row] = await db
    .select({ did: appRefreshTokens.did, familyId: appRefreshTokens.familyId })
    .from(appRefreshTokens)
    .where(
      and(
        eq(appRefreshTokens.tokenHash, hash(token)),
        isNull(appRefreshTokens.usedAt),
        isNull(appRefreshTokens.revokedAt),
        gt(appRefreshTokens.expiresAt, sql`now()`),
      ),
    );
  return row;
}

/** Logs a DID out everywhere: every family of its app sessions is revoked. */
export async function revokeRefreshTokensOf(db: Database, did: string): Promise<number> {
  const revoked = await db
    .update(appRefreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(appRefreshTokens.did, did), isNull(appRefreshTokens.revokedAt)))
    .returning({ id: appRefreshTokens.id });
  return revoked.length;
}
