import type { MediaKind, MediaNote, MediaRejection } from '@chronopost/core';
import { and, eq, gt, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { linkPreviews, media, videoUploads } from '../schema';

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

/** The storage keys of a deleted upload: the original and the processed copy (a video's is the original). */
export const storedObjectKeys = (row: { s3_key: string; processed_key: string | null }): string[] => [
  ...new Set([row.s3_key, row.processed_key ?? row.s3_key]),
];

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
  processed: {
    key: string;
    mime: string;
    bytes: number;
    width: number;
    height: number;
    notes: MediaNote[];
    /** Videos only. */
    durationMs?: number;
    codec?: string;
  },
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
      durationMs: processed.durationMs ?? null,
      codec: processed.codec ?? null,
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
  if (row) return { outcome: 'deleted', keys: storedObjectKeys(row) };
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

/**
 * Sets (or, with `vtt` null, removes) a video's captions in one language, in one statement: at
 * most `max` languages. Returns the captions now stored, or why not.
 */
export async function setCaptions(
  db: Database,
  ownerDid: string,
  id: string,
  lang: string,
  vtt: string | null,
  max: number,
): Promise<{ outcome: 'saved'; captions: Array<{ lang: string; vtt: string }> } | { outcome: 'not_found' | 'not_a_video' | 'too_many' }> {
  const others = sql`COALESCE((SELECT jsonb_agg(c) FROM jsonb_array_elements(${media.captions}) c WHERE c->>'lang' <> ${lang}), '[]'::jsonb)`;
  const next = vtt === null ? others : sql`${others} || jsonb_build_array(jsonb_build_object('lang', ${lang}::text, 'vtt', ${vtt}::text))`;
  const [row] = await db
    .update(media)
    .set({ captions: next, updatedAt: sql`now()` })
    .where(and(eq(media.ownerDid, ownerDid), eq(media.id, id), eq(media.kind, 'video'), sql`jsonb_array_length(${next}) <= ${max}`))
    .returning({ captions: media.captions });
  if (row) return { outcome: 'saved', captions: row.captions };
  const found = await findMedia(db, ownerDid, id);
  if (!found) return { outcome: 'not_found' };
  return found.kind !== 'video' ? { outcome: 'not_a_video' } : { outcome: 'too_many' };
}

export type VideoUploadRow = typeof videoUploads.$inferSelect;

export async function findVideoUpload(db: Database, mediaId: string): Promise<VideoUploadRow | undefined> {
  const [row] = await db.select().from(videoUploads).where(eq(videoUploads.mediaId, mediaId));
  return row;
}

/**
 * Takes a video's upload to its PDS: a new one, or one whose uploader died (`uploading` since before
 * `staleBefore`), or one made for the other path (the configuration changed), or one the video
 * service turned down for the account's limits (a daily limit, an unverified e-mail: they lift, so
 * a later attempt, such as the user's retry, asks again), or a finished one started before
 * `readyBefore` (the PDS may have deleted a blob no record references: it is uploaded again).
 * Exactly one caller wins; the others find the row and follow it (poll the job, use the blob, fail
 * with a lasting refusal).
 */
export async function claimVideoUpload(
  db: Database,
  mediaId: string,
  path: VideoUploadRow['path'],
  at: { now: Date; staleBefore: Date; readyBefore: Date },
): Promise<VideoUploadRow | undefined> {
  const [row] = await db
    .insert(videoUploads)
    .values({ mediaId, path, state: 'uploading', startedAt: at.now })
    .onConflictDoUpdate({
      target: videoUploads.mediaId,
      set: {
        path,
        state: 'uploading',
        jobId: null,
        blob: null,
        reasonCode: null,
        reasonParams: null,
        startedAt: at.now,
        updatedAt: sql`now()`,
      },
      setWhere: or(
        sql`${videoUploads.path} <> ${path}`,
        and(eq(videoUploads.state, 'uploading'), lt(videoUploads.startedAt, at.staleBefore)),
        and(eq(videoUploads.state, 'failed'), eq(videoUploads.reasonCode, 'video_upload_limit')),
        // Aged from the upload's start (the caller's clock, as the claim itself): at most a job's
        // length earlier than the blob, so a blob is never thought younger than it is.
        and(eq(videoUploads.state, 'ready'), lt(videoUploads.startedAt, at.readyBefore)),
      ),
    })
    .returning();
  return row;
}

/**
 * Forgets a stored blob the PDS says it does not have (a write naming it was refused), so the next
 * attempt claims the upload afresh. Only while the row still holds that blob: an upload started
 * since is left alone.
 */
export async function forgetVideoBlob(db: Database, mediaId: string, blobCid: string): Promise<boolean> {
  const rows = await db
    .delete(videoUploads)
    .where(and(eq(videoUploads.mediaId, mediaId), eq(videoUploads.state, 'ready'), sql`${videoUploads.blob}->'ref'->>'$link' = ${blobCid}`))
    .returning({ id: videoUploads.mediaId });
  return rows.length === 1;
}

/** Records the progress of a claimed upload (conditional on the claim, so a taken-over run writes nothing). */
export async function updateVideoUpload(
  db: Database,
  claim: { mediaId: string; startedAt: Date },
  patch: Partial<Pick<VideoUploadRow, 'state' | 'jobId' | 'blob' | 'reasonCode' | 'reasonParams'>>,
): Promise<boolean> {
  const rows = await db
    .update(videoUploads)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(videoUploads.mediaId, claim.mediaId), eq(videoUploads.startedAt, claim.startedAt)))
    .returning({ id: videoUploads.mediaId });
  return rows.length === 1;
}

/** Gives a claimed upload back after a retryable failure (the next attempt claims it afresh). */
export async function releaseVideoUpload(db: Database, claim: { mediaId: string; startedAt: Date }): Promise<void> {
  await db
    .delete(videoUploads)
    .where(and(eq(videoUploads.mediaId, claim.mediaId), eq(videoUploads.startedAt, claim.startedAt), eq(videoUploads.state, 'uploading')));
}

/**
 * Posts due in (`now`, `until`] with a checked video that has not started its way to the PDS: the
 * dispatcher asks the publisher to upload these ahead. A video whose upload was given back after a
 * retryable failure has no row again, so it is asked for again on the next tick; so is one whose
 * stored blob is too old to be used again (`readyBefore`, see `claimVideoUpload`).
 */
export async function findPostsToPrepareVideo(
  db: Database,
  window: { now: Date; until: Date; limit: number; readyBefore: Date },
): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    SELECT DISTINCT p.id FROM posts p
    JOIN post_items i ON i.post_id = p.id AND i.embed->>'type' = 'video'
    JOIN media m ON m.id = (i.embed->>'mediaId')::uuid AND m.owner_did = p.owner_did AND m.state = 'ready'
    WHERE p.status = 'scheduled' AND p.next_attempt_at > ${window.now} AND p.next_attempt_at <= ${window.until}
      AND NOT EXISTS (SELECT 1 FROM video_uploads v WHERE v.media_id = m.id
        AND NOT (v.state = 'ready' AND v.started_at < ${window.readyBefore}))
    LIMIT ${window.limit}`);
  return rows.rows.map((row) => row.id);
}

/** A post's author, status and the media ids of its videos (for preparing them ahead). */
export async function findPostVideos(
  db: Database,
  postId: string,
): Promise<{ ownerDid: string; status: string; mediaIds: string[] } | undefined> {
  const rows = await db.execute<{ owner_did: string; status: string; media_id: string | null }>(sql`
    SELECT p.owner_did, p.status, i.embed->>'mediaId' AS media_id FROM posts p
    LEFT JOIN post_items i ON i.post_id = p.id AND i.embed->>'type' = 'video'
    WHERE p.id = ${postId}`);
  const first = rows.rows[0];
  if (!first) return undefined;
  return {
    ownerDid: first.owner_did,
    status: first.status,
    mediaIds: [...new Set(rows.rows.flatMap((row) => (row.media_id ? [row.media_id] : [])))],
  };
}
