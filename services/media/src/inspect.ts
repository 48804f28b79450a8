import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import type { MediaContext } from './context';

export interface UploadedObject {
  bucket: string;
  key: string;
  bytes: number;
  contentType: string | undefined;
}

/** S3 event keys are URL-encoded, with `+` for spaces. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replaceAll('+', ' '));

/**
 * Looks at one uploaded object. For now it reads the object's size and type from S3; validation by
 * content, EXIF stripping and scaling arrive with the media issue.
 */
export async function inspectUpload(ctx: MediaContext, record: S3EventRecord): Promise<UploadedObject> {
  const bucket = record.s3.bucket.name;
  const key = decodeS3Key(record.s3.object.key);
  const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const object = { bucket, key, bytes: head.ContentLength ?? 0, contentType: head.ContentType };
  ctx.logger.info('upload received', { ...object });
  return object;
}
