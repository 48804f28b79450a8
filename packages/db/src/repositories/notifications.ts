import type { NotificationCode } from '@chronopost/shared-schemas';
import { and, desc, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { notifications } from '../schema';

export type NotificationRow = typeof notifications.$inferSelect;

/**
 * Stores a notification — a catalogue code (`kind`) and its params (`details`) — once per
 * `dedupeKey` of the account; says whether it is new.
 */
export async function notify(
  db: Pick<Database, 'insert'>,
  input: { ownerDid: string; kind: NotificationCode; details?: Record<string, unknown>; dedupeKey: string },
): Promise<boolean> {
  const inserted = await db
    .insert(notifications)
    .values({ ...input, details: input.details ?? {} })
    .onConflictDoNothing({ target: [notifications.ownerDid, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  return inserted.length === 1;
}

/** The account's notifications, newest first, in keyset pages; dismissed ones only when asked. */
export async function listNotifications(
  db: Database,
  ownerDid: string,
  options: { limit?: number; includeDismissed?: boolean; after?: { createdAt: Date; id: string } } = {},
): Promise<NotificationRow[]> {
  const conditions: SQL[] = [eq(notifications.ownerDid, ownerDid)];
  if (!options.includeDismissed) conditions.push(isNull(notifications.dismissedAt));
  if (options.after) {
    const { createdAt, id } = options.after;
    conditions.push(or(lt(notifications.createdAt, createdAt), and(eq(notifications.createdAt, createdAt), lt(notifications.id, id)))!);
  }
  return db
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit ?? 20);
}

/** Notifications neither read nor dismissed: the badge. */
export async function countUnreadNotifications(db: Database, ownerDid: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${notifications}
    WHERE owner_did = ${ownerDid} AND read_at IS NULL AND dismissed_at IS NULL`);
  return rows[0]?.n ?? 0;
}

/** Marks one of the account's notifications read (idempotently); undefined if it has none such. */
export async function markNotificationRead(db: Database, ownerDid: string, id: string): Promise<NotificationRow | undefined> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.ownerDid, ownerDid), eq(notifications.id, id)))
    .returning();
  return row;
}

/** Dismisses one (it is read too, and leaves the default list); undefined if the account has none such. */
export async function dismissNotification(db: Database, ownerDid: string, id: string): Promise<NotificationRow | undefined> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())`, dismissedAt: sql`coalesce(${notifications.dismissedAt}, now())` })
    .where(and(eq(notifications.ownerDid, ownerDid), eq(notifications.id, id)))
    .returning();
  return row;
}

/** Marks every unread notification of the account read; returns how many were. */
export async function markAllNotificationsRead(db: Database, ownerDid: string): Promise<number> {
  const marked = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.ownerDid, ownerDid), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return marked.length;
}
