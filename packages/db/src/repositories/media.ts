import type { MediaKind, MediaNote, MediaRejection } from '@chronopost/core';
import { and, eq, gt, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { linkPreviews, media } from '../schema';

export type MediaRow = typeof media.$inferSelect;

/**
 * Whether any post item of the media's owner refers to the media (`m` aliases the media table):
 * images, quoted images and link-card thumbnails all carry the id somewhere in `embed`.
 */
export const mediaInUse = (alias: string): SQL =>
  sql.raw(`EXISTS (
    SELECT 1 FROM post_items i
    WHERE i.owner_did = ${alias}.owner_did AND i.embed IS NOT NULL
      AND jsonb_path_exists(i.embed, '$.** ? (@ == $id)', jsonb_build_object('id', ${alias}.id::text)))`);

export async function insertMedia(
  db: Database,
  row: { id: string; ownerDid: string; kind: MediaKind; s3Key: string; declaredMime: string; declaredBytes: number; alt: string },
): Promise<MediaRow> {
  const [inserted] = await db.insert(media).values(row).returning();
  return inserted!;
}

export async function findMedia(db: Database, ownerDid: string, id: string): Promise<MediaRow | undefined> {
  const [row] = await db
    .select()
    .from(media)
    .where(and(eq(media.ownerDid, ownerDid), eq(media.id, id)));
  return row;
}

/**
 * Takes an upload for processing: `uploading → processing`, or a `processing` row whose run
 * started before `staleBefore` (that run died). Exactly one caller wins; a redelivered event for
 * media already processed, rejected or in progress gets nothing.
 */
export async function claimMediaForProcessing(
  db: Database,
  id: string,
  at: { now: Date; staleBefore: Date },
): Promise<MediaRow | undefined> {
  const [row] = await db
    .update(media)
    .set({ state: 'processing', processingStartedAt: at.now, updatedAt: sql`now()` })
    .where(
      and(
        eq(media.id, id),
        or(eq(media.state, 'uploading'), and(eq(media.state, 'processing'), lt(media.processingStartedAt, at.staleBefore))),
      ),
    )
    .returning();
  return row;
}

/** Gives a claim back after a failure of ours (storage unreachable), so the retried event can take it. */
export async function releaseMediaClaim(db: Database, id: string, startedAt: Date): Promise<void> {
  await db
    .update(media)
    .set({ state: 'uploading', processingStartedAt: null, updatedAt: sql`now()` })
    .where(and(eq(media.id, id), eq(media.state, 'processing'), eq(media.processingStartedAt, startedAt)));
}

const held = (id: string, startedAt: Date) =>
  and(eq(media.id, id), eq(media.state, 'processing'), eq(media.processingStartedAt, startedAt));

export async function markMediaReady(
  db: Database,
  claim: { id: string; startedAt: Date },
  processed: { key: string; mime: string; bytes: number; width: number; height: number; notes: MediaNote[] },
): Promise<boolean> {
  const rows = await db
    .update(media)
    .set({
      state: 'ready',
      processedKey: processed.key,
      mime: processed.mime,
      bytes: processed.bytes,
      width: processed.width,
      height: processed.height,
      notes: processed.notes,
      processingStartedAt: null,
      updatedAt: sql`now()`,
    })
    .where(held(claim.id, claim.startedAt))
    .returning({ id: media.id });
  return rows.length === 1;
}

/** Why an upload was rejected: a catalogue code and what its sentence needs. */
export interface MediaRejectionReason {
  code: MediaRejection;
  params: Record<string, unknown>;
}

export async function rejectMedia(db: Database, claim: { id: string; startedAt: Date }, reason: MediaRejectionReason): Promise<boolean> {
  const rows = await db
    .update(media)
    .set({ state: 'rejected', reasonCode: reason.code, reasonParams: reason.params, processingStartedAt: null, updatedAt: sql`now()` })
    .where(held(claim.id, claim.startedAt))
    .returning({ id: media.id });
  return rows.length === 1;
}

/**
 * Deletes an upload no post refers to, in one statement (a post attaching it meanwhile wins).
 * Returns the storage keys to delete, or why not.
 */
export async function deleteUnusedMedia(
  db: Database,
  ownerDid: string,
  id: string,
): Promise<{ outcome: 'deleted'; keys: string[] } | { outcome: 'in_use' | 'not_found' }> {
  const deleted = await db.execute<{ s3_key: string; processed_key: string | null }>(sql`
    DELETE FROM media m WHERE m.id = ${id} AND m.owner_did = ${ownerDid} AND NOT ${mediaInUse('m')}
    RETURNING m.s3_key, m.processed_key`);
  const row = deleted.rows[0];
  if (row) return { outcome: 'deleted', keys: row.processed_key ? [row.s3_key, row.processed_key] : [row.s3_key] };
  return (await findMedia(db, ownerDid, id)) ? { outcome: 'in_use' } : { outcome: 'not_found' };
}

export type LinkPreviewRow = typeof linkPreviews.$inferSelect;

/** A preview of `url` fetched for this owner since `since`. */
export async function findLinkPreview(db: Database, ownerDid: string, url: string, since: Date): Promise<LinkPreviewRow | undefined> {
  const [row] = await db
    .select()
    .from(linkPreviews)
    .where(and(eq(linkPreviews.ownerDid, ownerDid), eq(linkPreviews.url, url), gt(linkPreviews.fetchedAt, since)));
  return row;
}

export async function saveLinkPreview(db: Database, row: Omit<LinkPreviewRow, 'fetchedAt'> & { fetchedAt: Date }): Promise<void> {
  await db
    .insert(linkPreviews)
    .values(row)
    .onConflictDoUpdate({
      target: [linkPreviews.ownerDid, linkPreviews.url],
      set: { title: row.title, description: row.description, thumbMediaId: row.thumbMediaId, fetchedAt: row.fetchedAt },
    });
}
