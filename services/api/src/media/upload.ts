import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { type MediaKind, mediaKeys, UPLOAD_FORM_SECONDS } from '@chronopost/core';
import { insertMedia, type MediaRow } from '@chronopost/db';
import type { ApiContext } from '../context';

/**
 * A media row in `uploading` and the form that uploads its bytes straight to S3. The form's
 * policy is what bounds the upload: S3 itself refuses another key, another content type, or a
 * file whose size is not exactly the declared one.
 */
export async function startUpload(
  ctx: ApiContext,
  ownerDid: string,
  input: { kind: MediaKind; type: string; size: number; alt: string },
): Promise<{ row: MediaRow; form: { url: string; fields: Record<string, string>; expiresAt: string } }> {
  const id = randomUUID();
  const key = mediaKeys(id).original;
  const row = await insertMedia(ctx.db, {
    id,
    ownerDid,
    kind: input.kind,
    s3Key: key,
    declaredMime: input.type,
    declaredBytes: input.size,
    alt: input.alt,
  });
  const expiresAt = new Date(ctx.now().getTime() + UPLOAD_FORM_SECONDS * 1000);
  const { url, fields } = await createPresignedPost(await ctx.s3(), {
    Bucket: ctx.config.mediaBucket,
    Key: key,
    Conditions: [
      ['content-length-range', input.size, input.size],
      ['eq', '$Content-Type', input.type],
    ],
    Fields: { 'Content-Type': input.type },
    Expires: UPLOAD_FORM_SECONDS,
  });
  return { row, form: { url, fields, expiresAt: expiresAt.toISOString() } };
}

/**
 * An image the API fetched itself (a link card's thumbnail) enters the same pipeline: a media row
 * and the bytes under its upload key; the bucket's notification starts the media Lambda.
 */
export async function storeFetchedImage(ctx: ApiContext, ownerDid: string, image: { bytes: Uint8Array; type: string }): Promise<MediaRow> {
  const id = randomUUID();
  const key = mediaKeys(id).original;
  const row = await insertMedia(ctx.db, {
    id,
    ownerDid,
    kind: 'image',
    s3Key: key,
    declaredMime: image.type,
    declaredBytes: image.bytes.length,
    alt: '',
  });
  await (
    await ctx.s3()
  ).send(new PutObjectCommand({ Bucket: ctx.config.mediaBucket, Key: key, Body: image.bytes, ContentType: image.type }));
  return row;
}
