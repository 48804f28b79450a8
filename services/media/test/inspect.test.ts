import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createLogger } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { s3Event, testAwsEnv, testS3Client, uniqueName } from '@chronopost/testing';
import { describe, expect, it } from 'vitest';
import { createContext, loadConfig, makeHandler } from '../src/app';
import { decodeS3Key, inspectUpload } from '../src/inspect';

describe('media upload notifications', () => {
  it('decode keys the way S3 encodes them', () => {
    expect(decodeS3Key('uploads/my+photo%2B1.png')).toBe('uploads/my photo+1.png');
  });

  it('read the size and type of the uploaded object', async () => {
    const bucket = uniqueName('media').replaceAll('_', '-');
    const s3 = testS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'uploads/my photo.png', Body: Buffer.alloc(1234), ContentType: 'image/png' }),
    );
    const ctx = createContext(loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/x', MEDIA_BUCKET: bucket, ...testAwsEnv() }), {
      logger: createLogger('test', 'SILENT'),
    });
    try {
      const object = await inspectUpload(ctx, s3Event(bucket, 'uploads/my+photo.png').Records[0]!);
      expect(object).toEqual({ bucket, key: 'uploads/my photo.png', bytes: 1234, contentType: 'image/png' });

      // A notification for an object that is gone fails the invocation, so Lambda retries it.
      const handler = makeHandler(ctx);
      await expect(handler(s3Event(bucket, 'uploads/missing.png'), lambdaContext('media', 5_000))).rejects.toThrow();
    } finally {
      await ctx.db.$client.end();
    }
  });
});
