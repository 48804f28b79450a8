import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { accounts, posts } from '@chronopost/db';
import { createPublishQueues } from '@chronopost/local';
import { createTestDatabase, testAwsEnv, testS3Client, testSqsClient, type TestDatabase, uniqueName } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltService, buildServices, SERVICES } from './build';

const run = promisify(execFile);

/**
 * Imports a built bundle in a fresh Node process (nothing from this repository on its module path
 * but the bundle itself) and invokes its `handler` with an event, as the Lambda runtime would.
 */
async function invokeBundle(bundle: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `
    const { handler } = await import(process.argv[1]);
    const context = { functionName: 'smoke', awsRequestId: 'smoke-1', getRemainingTimeInMillis: () => 30000 };
    const result = await handler(JSON.parse(process.argv[2]), context);
    // Like Lambda, do not wait for idle sockets (the database pool) once the handler has answered.
    process.stdout.write('\\nRESULT ' + JSON.stringify(result ?? null) + '\\n', () => process.exit(0));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, bundle, JSON.stringify(event)], {
    timeout: 20_000,
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--enable-source-maps', LOG_LEVEL: 'ERROR', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', ...env },
  });
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line) throw new Error(`no result from ${bundle}: ${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

const httpEvent = (method: string, path: string) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: {},
  requestContext: {
    accountId: '0',
    apiId: 'smoke',
    domainName: 'localhost',
    domainPrefix: 'localhost',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'smoke' },
    requestId: 'smoke',
    routeKey: `${method} ${path}`,
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
});

const scheduledEvent = { version: '0', id: 'e', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '0', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };

describe('pnpm build', () => {
  let outDir: string;
  let built: BuiltService[];
  let database: TestDatabase;
  let env: Record<string, string>;
  let bucket: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'bundles-'));
    database = await createTestDatabase();
    bucket = uniqueName('media').replaceAll('_', '-');
    await testS3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    const queues = await createPublishQueues(testSqsClient(), {
      name: uniqueName('publish'),
      deadLetterName: uniqueName('dlq'),
      maxReceiveCount: 3,
      visibilityTimeoutSeconds: 30,
    });
    env = { DATABASE_URL: database.config.url, PUBLISH_QUEUE_URL: queues.queueUrl, MEDIA_BUCKET: bucket, ...testAwsEnv() };
    built = await buildServices({ outDir });
  }, 120_000);
  afterAll(async () => {
    await database.drop();
    await rm(outDir, { recursive: true, force: true });
  });

  it('emits one bundle and one zip per service', () => {
    expect(built.map((service) => service.name)).toEqual([...SERVICES]);
    for (const service of built) {
      expect(service.bundleBytes).toBeGreaterThan(10_000);
      expect(service.zipBytes).toBeGreaterThan(1_000);
      expect(service.zipBytes).toBeLessThan(service.bundleBytes * 2);
    }
  });

  const bundle = (name: string) => built.find((service) => service.name === name)!.bundle;

  it('api: answers GET /health from the bundle', async () => {
    const result = (await invokeBundle(bundle('api'), httpEvent('GET', '/health'), env)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok', database: { reachable: true, pendingMigrations: 0 } });
  });

  it('oauth: answers with the shared error shape', async () => {
    const result = (await invokeBundle(bundle('oauth'), httpEvent('GET', '/oauth/nothing-yet'), env)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error.code).toBe('route_not_found');
  });

  it('dispatcher: runs a tick against the database', async () => {
    await database.db.insert(accounts).values({ did: 'did:plc:smoke', handle: 'smoke.test', pdsUrl: 'http://pds.test' });
    await database.db.insert(posts).values({ ownerDid: 'did:plc:smoke', status: 'scheduled', scheduledAt: new Date(), nextAttemptAt: new Date() });
    const result = (await invokeBundle(bundle('dispatcher'), scheduledEvent, env)) as { due: number };
    expect(result.due).toBe(1);
  });

  it('publisher: reports a malformed message as a batch item failure', async () => {
    const record = (messageId: string, body: string) => ({
      messageId,
      receiptHandle: 'rh',
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:0:q',
      awsRegion: 'us-east-1',
    });
    const valid = { postId: '00000000-0000-4000-8000-000000000000', action: 'publish', attempt: 1, requestedAt: new Date().toISOString(), scheduledAt: new Date().toISOString() };
    const result = await invokeBundle(bundle('publisher'), { Records: [record('ok', JSON.stringify(valid)), record('bad', 'not json')] }, env);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });

  it('token-refresher: runs against the database', async () => {
    const result = (await invokeBundle(bundle('token-refresher'), scheduledEvent, env)) as { expiringSessions: number };
    expect(result.expiringSessions).toBe(0);
  });

  it('media: reads an uploaded object from S3', async () => {
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/smoke.png', Body: Buffer.alloc(10), ContentType: 'image/png' }));
    const event = {
      Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', awsRegion: 'us-east-1', s3: { bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: 'uploads/smoke.png', size: 10 } } }],
    };
    await expect(invokeBundle(bundle('media'), event, env)).resolves.toBeNull();
    const missing = { Records: [{ ...event.Records[0], s3: { ...event.Records[0]!.s3, object: { key: 'uploads/missing.png', size: 1 } } }] };
    await expect(invokeBundle(bundle('media'), missing, env)).rejects.toThrow();
  });
});
