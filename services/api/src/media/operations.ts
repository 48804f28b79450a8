import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { ApiContext } from '../context';

export { linkPreview } from './link-preview';
export { presentMedia } from './present';
export { startUpload } from './upload';

/** Deletes a deleted upload's objects. */
export async function deleteObjects(ctx: ApiContext, keys: string[]): Promise<void> {
  const objects = keys.map((key) => ({ Key: key }));
  await (await ctx.s3()).send(new DeleteObjectsCommand({ Bucket: ctx.config.mediaBucket, Delete: { Objects: objects } }));
}
