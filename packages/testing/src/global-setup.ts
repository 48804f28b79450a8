/**
 * Vitest global setup: one PostgreSQL server (with a migrated template database), one of each AWS
 * stand-in and one local PDS for the whole run. Workers receive their URLs through `inject` and
 * isolate themselves with their own databases, queues, buckets, tables and PDS accounts.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@chronopost/db';
import { ensureDatabase, startDevPds, startEmbeddedPostgres, startLocalDynamoDb, startLocalS3, startLocalSqs } from '@chronopost/local';
import type { TestProject } from 'vitest/node';
import type { TestEnvironment } from './environment';
import { routeTestDomains } from './test-domains';

export const TEMPLATE_DATABASE = 'chronopost_template';

export default async function setup(project: TestProject) {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'chronopost-test-'));
  // PostgreSQL may run as another user (when tests run as root): it must reach its directory.
  await chmod(root, 0o755);
  const closers: Array<() => Promise<unknown>> = [];
  const teardown = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => console.error('teardown:', error));
    await rm(root, { recursive: true, force: true });
  };

  try {
    // Before the PDS exists: it fetches confidential clients' metadata through this fetch.
    routeTestDomains();
    const [postgres, sqs, s3, dynamodb, pds] = await Promise.all([
      startEmbeddedPostgres({ dir: join(root, 'postgres'), port: 0, persistent: false, fast: true }),
      startLocalSqs({ host: '127.0.0.1', port: 0 }),
      startLocalS3({ host: '127.0.0.1', port: 0, directory: join(root, 's3'), buckets: [], webOrigin: 'http://localhost:5173' }),
      startLocalDynamoDb({ host: '127.0.0.1', port: 0 }),
      startDevPds({ dataDir: join(root, 'pds') }),
    ]);
    closers.push(
      () => postgres.stop(),
      () => sqs.close(),
      () => s3.close(),
      () => dynamodb.close(),
      () => pds.close(),
    );

    const templateUrl = await ensureDatabase(postgres, TEMPLATE_DATABASE);
    await migrateDatabase({ url: templateUrl, schema: 'public' });

    const environment: TestEnvironment = {
      postgresAdminUrl: postgres.adminUrl,
      templateDatabase: TEMPLATE_DATABASE,
      sqsEndpoint: sqs.endpoint,
      s3Endpoint: s3.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      pdsUrl: pds.url,
      plcUrl: pds.plcUrl,
    };
    project.provide('chronopost', environment);
    console.log(`test environment ready in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
