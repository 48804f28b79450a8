import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { accounts, posts, tables } from '@chronopost/db';
import { unzipSync } from 'fflate';
import { generateAccessTokenKey } from '@chronopost/app-auth';
import { createPublishQueues, createTables, scheduledEvent } from '@chronopost/local';
import {
  createTestDatabase,
  httpEvent,
  s3Event,
  startTestSecretsManager,
  sqsRecord,
  testAwsEnv,
  testDynamoDbClient,
  testS3Client,
  testSqsClient,
  type TestDatabase,
  uniqueName,
} from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltService, buildServices, SERVICES } from './build';

const run = promisify(execFile);

/**
 * Imports a built bundle in a fresh Node process (nothing from this repository on its module path
 * but the bundle itself) and invokes its `handler` with an event, as the Lambda runtime would.
 */
async function runBundle(bundle: string, event: unknown, env: Record<string, string>): Promise<{ result: unknown; stdout: string }> {
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
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: '--enable-source-maps',
      LOG_LEVEL: 'ERROR',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      ...env,
    },
  });
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line) throw new Error(`no result from ${bundle}: ${stdout}`);
  return { result: JSON.parse(line.slice('RESULT '.length)), stdout };
}
const invokeBundle = async (bundle: string, event: unknown, env: Record<string, string>) => (await runBundle(bundle, event, env)).result;

const tick = scheduledEvent('smoke', new Date());

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
    const tables = [uniqueName('state'), uniqueName('locks')];
    await createTables(testDynamoDbClient(), tables);
    env = {
      DATABASE_URL: database.config.url,
      PUBLISH_QUEUE_URL: queues.queueUrl,
      MEDIA_BUCKET: bucket,
      ...testAwsEnv(),
      PUBLIC_URL: 'http://127.0.0.1:3000',
      OAUTH_STATE_TABLE: tables[0]!,
      LOCK_TABLE: tables[1]!,
      LOCAL_MASTER_KEY_FILE: join(outDir, 'master.key'),
      APP_JWT_PRIVATE_KEYS: JSON.stringify([await generateAccessTokenKey('smoke')]),
    };
    // This machine's architecture only: the other one's binaries would come from the registry.
    built = await buildServices({ outDir, archs: [process.arch === 'arm64' ? 'arm64' : 'x64'] });
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
      // The media zip also carries sharp and libvips; every zip stays under Lambda's 50 MB upload limit.
      if (service.name !== 'media') expect(service.zipBytes).toBeLessThan(service.bundleBytes * 2);
      expect(service.zipBytes).toBeLessThan(50 * 1024 * 1024);
    }
  });

  const bundle = (name: string) => built.find((service) => service.name === name)!.bundle;

  it('api: answers GET /health from the bundle', async () => {
    const result = (await invokeBundle(bundle('api'), httpEvent('GET', '/health'), env)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok', database: { reachable: true, pendingMigrations: 0 } });
  });

  it('api: reads DATABASE_URL from Secrets Manager at cold start when SECRET_ARNS names it', async () => {
    const secretsManager = await startTestSecretsManager();
    try {
      const arn = secretsManager.put('smoke/database-url', env.DATABASE_URL);
      const { DATABASE_URL: _fromSecret, ...plain } = env;
      const secretEnv = {
        ...plain,
        SECRET_ARNS: JSON.stringify({ DATABASE_URL: arn }),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      };
      const result = (await invokeBundle(bundle('api'), httpEvent('GET', '/health'), secretEnv)) as { statusCode: number };
      expect(result.statusCode).toBe(200);
      expect(secretsManager.reads).toEqual([arn]);
    } finally {
      await secretsManager.close();
    }
  });

  it('oauth: serves its client metadata and app keys', async () => {
    const metadata = (await invokeBundle(bundle('oauth'), httpEvent('GET', '/oauth/client-metadata.json'), env)) as {
      statusCode: number;
      body: string;
    };
    expect(metadata.statusCode).toBe(200);
    expect(JSON.parse(metadata.body)).toMatchObject({
      redirect_uris: ['http://127.0.0.1:3000/oauth/callback'],
      dpop_bound_access_tokens: true,
    });
    const jwks = (await invokeBundle(bundle('oauth'), httpEvent('GET', '/.well-known/jwks.json'), env)) as {
      statusCode: number;
      body: string;
    };
    expect(JSON.parse(jwks.body).keys[0]).toMatchObject({ kid: 'smoke', kty: 'RSA' });
    expect(JSON.parse(jwks.body).keys[0]).not.toHaveProperty('d');
  });

  it('oauth: refuses a login for a malformed identifier with the field', async () => {
    const event = httpEvent('POST', '/oauth/login', { body: JSON.stringify({ identifier: '???' }) });
    const result = (await invokeBundle(bundle('oauth'), event, env)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.issues[0].path).toBe('identifier');
  });

  it('dispatcher: claims a due post and queues its message', async () => {
    await database.db.insert(accounts).values({ did: 'did:plc:smoke', handle: 'smoke.test', pdsUrl: 'http://pds.test' });
    await database.db
      .insert(posts)
      .values({ ownerDid: 'did:plc:smoke', status: 'scheduled', scheduledAt: new Date(), nextAttemptAt: new Date() });
    const { result, stdout } = await runBundle(bundle('dispatcher'), tick, env);
    expect(result).toMatchObject({ queued: 1, unsent: 0 });
    // Its metrics, as the EMF line CloudWatch extracts from the function's output.
    const emf = stdout
      .split('\n')
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: 'dispatcher', DispatchTicks: 1, PostsDispatched: 1 });
  });

  it('publisher: reports a malformed message as a batch item failure', async () => {
    const valid = {
      postId: '00000000-0000-4000-8000-000000000000',
      action: 'publish',
      attempt: 1,
      requestedAt: new Date().toISOString(),
      scheduledAt: new Date().toISOString(),
    };
    const result = await invokeBundle(
      bundle('publisher'),
      { Records: [sqsRecord('ok', JSON.stringify(valid)), sqsRecord('bad', 'not json')] },
      env,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });

  it('token-refresher: looks for sessions to refresh', async () => {
    const result = (await invokeBundle(bundle('token-refresher'), tick, env)) as { refresh: { sessions: number } };
    expect(result).toMatchObject({ refresh: { sessions: 0 } });
  });

  it('retention: applies the retention policy to the database', async () => {
    await database.db.insert(accounts).values({ did: 'did:plc:retained', handle: 'retained.test', pdsUrl: 'http://pds.test' });
    const longAgo = new Date(Date.now() - 10 * 24 * 3600_000);
    await database.db.insert(posts).values({ ownerDid: 'did:plc:retained', status: 'failed', scheduledAt: longAgo, updatedAt: longAgo });
    const result = (await invokeBundle(bundle('retention'), tick, env)) as { failedPosts: number };
    expect(result).toMatchObject({ failedPosts: 1 });
  });

  it('media: keeps sharp out of the bundle, ships it beside, and processes an upload with it', async () => {
    const media = built.find((service) => service.name === 'media')!;
    // sharp is imported (from whichever file of the bundle loads it), never bundled.
    const files = Object.keys(media.metafile.outputs).filter((path) => path.endsWith('.mjs'));
    const code = (await Promise.all(files.map((path) => readFile(join(import.meta.dirname, '..', path), 'utf8')))).join('\n');
    expect(code).toMatch(/from\s*"sharp"/);
    expect(code).not.toContain('sharp-libvips');
    const entries = Object.keys(unzipSync(await readFile(media.zip)));
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    expect(entries).toEqual(
      expect.arrayContaining(['index.mjs', 'node_modules/sharp/package.json', `node_modules/@img/sharp-linux-${arch}/package.json`]),
    );
    expect(entries.some((entry) => entry.startsWith(`node_modules/@img/sharp-libvips-linux-${arch}/lib/libvips-cpp.so`))).toBe(true);
    expect(entries.some((entry) => /sharp-(libvips-)?(darwin|win32|linuxmusl)/.test(entry))).toBe(false);

    await database.db.insert(accounts).values({ did: 'did:plc:media', handle: 'media.test', pdsUrl: 'http://pds.test' });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWPgOiHHdUKOAUIBABn+A8EDXLMkAAAAAElFTkSuQmCC',
      'base64',
    );
    const id = randomUUID();
    const key = `uploads/${id}`;
    await database.db
      .insert(tables.media)
      .values({ id, ownerDid: 'did:plc:media', s3Key: key, declaredMime: 'image/png', declaredBytes: png.length });
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: png, ContentType: 'image/png' }));
    await expect(invokeBundle(bundle('media'), s3Event(bucket, key, png.length), env)).resolves.toBeNull();
    const processed = (await database.db.select().from(tables.media)).find((row) => row.id === id);
    expect(processed).toMatchObject({ state: 'ready', width: 2, height: 2, processedKey: `processed/${id}` });
  });
});
