import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { applyRetention, type RetentionReport } from '@chronopost/db';
import type { RetentionContext } from './context';

export type RetentionResult = { at: string } & Omit<RetentionReport, 'mediaKeys'>;

/**
 * One retention run (EventBridge, daily): deletes in one transaction what the policy says has been
 * kept long enough — ended sessions, published, failed, missed and cancelled posts with their
 * items and attempts, their notifications and old ones, uploads no post refers to — then the S3
 * objects of those uploads. A dry run reports and deletes nothing.
 */
export async function retain(ctx: RetentionContext): Promise<RetentionResult> {
  const now = ctx.now();
  const { mediaKeys, ...report } = await applyRetention(ctx.db, ctx.config.policy, now, { dryRun: ctx.config.dryRun });
  for (let index = 0; index < mediaKeys.length && !report.dryRun; index += 1000) {
    const keys = mediaKeys.slice(index, index + 1000);
    // A failure leaves objects no row points to (harmless, but they cost storage until removed
    // by hand or by a bucket lifecycle rule); the rows are gone either way.
    await ctx.s3
      .send(new DeleteObjectsCommand({ Bucket: ctx.config.mediaBucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }))
      .catch((error: unknown) => ctx.logger.warn('could not delete media objects', { count: keys.length, error: (error as Error).name }));
  }
  const result = { at: now.toISOString(), ...report };
  ctx.logger.info('retention run', { ...result });
  return result;
}
