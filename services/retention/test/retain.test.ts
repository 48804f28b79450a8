import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createLogger } from '@chronopost/lambda-kit';
import { createTestDatabase, testAwsEnv, testS3Client, type TestDatabase, uniqueName } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, retain } from '../src/app';

/** The retention service against PostgreSQL and the S3 stand-in: rows and their objects go together. */
describe('retention service', () => {
  let database: TestDatabase;
  let bucket: string;
  const s3 = testS3Client();
  const exists = (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    );
  const context = (extra: Record<string, string> = {}) => {
    const env = { DATABASE_URL: database.config.url, MEDIA_BUCKET: bucket, ...testAwsEnv(), ...extra };
    return createContext(loadConfig(env), loadSecrets(env), {
      db: database.db,
      logger: createLogger('test', 'SILENT'),
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    bucket = uniqueName('media').replaceAll('_', '-');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await database.db.$client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:ret', 'ret.test', 'http://pds.test')`);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('deletes an old orphaned upload’s row and object, and only in a real run', async () => {
    const key = `uploads/${uniqueName('orphan')}.png`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('png'), ContentType: 'image/png' }));
    await database.db.$client.query(
      `INSERT INTO media (owner_did, s3_key, state, created_at) VALUES ('did:plc:ret', $1, 'ready', now() - interval '2 days')`,
      [key],
    );

    expect(await retain(context({ RETENTION_DRY_RUN: 'true' }))).toMatchObject({ dryRun: true, media: 1 });
    expect(await exists(key)).toBe(true);

    expect(await retain(context())).toMatchObject({ dryRun: false, media: 1 });
    expect(await exists(key)).toBe(false);
    expect((await database.db.$client.query('SELECT count(*)::int AS n FROM media')).rows[0].n).toBe(0);
  });
});
