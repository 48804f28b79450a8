import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type MediaNote, type MediaRejection, PREVIEW_URL_SECONDS } from '@chronopost/core';
import type { MediaRow } from '@chronopost/db';
import { type Media, renderMessage } from '@chronopost/shared-schemas';
import type { ApiContext } from '../context';

/** A media row as the API shows it, with a short-lived URL of the processed image once ready. */
export async function presentMedia(ctx: ApiContext, row: MediaRow): Promise<Media> {
  const previewUrl =
    row.state === 'ready' && row.processedKey
      ? await getSignedUrl(await ctx.s3(), new GetObjectCommand({ Bucket: ctx.config.mediaBucket, Key: row.processedKey }), {
          expiresIn: PREVIEW_URL_SECONDS,
        })
      : null;
  // The database holds a reason exactly when rejected, and only codes of MEDIA_REJECTIONS (CHECK constraints).
  const reason = row.reasonCode === null ? null : { code: row.reasonCode as MediaRejection, params: row.reasonParams ?? {} };
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    reason: reason && { ...reason, message: renderMessage(reason) },
    notes: row.notes as MediaNote[],
    alt: row.alt,
    mimeType: row.state === 'ready' ? row.mime : null,
    bytes: row.state === 'ready' ? row.bytes : null,
    width: row.state === 'ready' ? row.width : null,
    height: row.state === 'ready' ? row.height : null,
    durationMs: row.state === 'ready' ? row.durationMs : null,
    codec: row.state === 'ready' ? row.codec : null,
    captions: row.captions.map((caption) => ({ lang: caption.lang, bytes: Buffer.byteLength(caption.vtt) })),
    previewUrl,
    createdAt: row.createdAt.toISOString(),
  };
}
