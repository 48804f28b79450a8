/**
 * Vitest global setup: one PostgreSQL server (with a migrated template database), one of each AWS
 * stand-in, one local PDS, one headless Chromium (when installed) and a build of the web app for
 * the whole run. Workers receive their URLs through `inject` and isolate themselves with their own
 * databases, queues, buckets, tables, PDS accounts and browser contexts.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@chronopost/db';
import {
  ensureDatabase,
  StartupError,
  startDevPds,
  startEmbeddedPostgres,
  startLocalDynamoDb,
  startLocalS3,
  startLocalSqs,
} from '@chronopost/local';
import { ensureWebBuild } from '@chronopost/web/build';
import { CHROMIUM_ARGS, findChromium } from './browser';
import type { TestProject } from 'vitest/node';
import type { TestEnvironment } from './environment';
import { routeTestDomains } from './test-domains';

export const TEMPLATE_DATABASE = 'chronopost_template';

export default async function setup(project: TestProject) {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'chronopost-test-'));
  // As root, PostgreSQL runs as the `postgres` user: it must reach its data here, and a copy of its
  // build if node_modules is closed to it (a clone in /root). Removed with the rest at teardown.
  await chmod(root, 0o755);
  const closers: Array<() => Promise<unknown>> = [];
  const teardown = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => console.error('teardown:', error));
    await rm(root, { recursive: true, force: true });
  };

  try {
    // Before the PDS exists: it fetches confidential clients' metadata through this fetch.
    routeTestDomains();
    const chromiumPath = findChromium();
    const tracked = <T>(start: Promise<T>, close: (value: T) => Promise<unknown>) =>
      start.then((value) => {
        closers.push(() => close(value));
        return value;
      });
    const starts = [
      tracked(
        startEmbeddedPostgres({
          dir: join(root, 'postgres'),
          port: 0,
          persistent: false,
          fast: true,
          systemDir: root,
          systemDirSetting: 'TMPDIR',
          onNotice: (line) => console.log(line),
        }),
        (server) => server.stop(),
      ),
      tracked(startLocalSqs({ host: '127.0.0.1', port: 0 }), (server) => server.close()),
      tracked(
        startLocalS3({ host: '127.0.0.1', port: 0, directory: join(root, 's3'), buckets: [], webOrigin: 'http://localhost:5173' }),
        (server) => server.close(),
      ),
      tracked(startLocalDynamoDb({ host: '127.0.0.1', port: 0 }), (server) => server.close()),
      // Videos go to the PDS as blobs: its limit (5 MiB by default) above every test video.
      tracked(startDevPds({ dataDir: join(root, 'pds'), blobUploadLimit: 20 * 1024 * 1024 }), (pds) => pds.close()),
      // Rebuilt only when its sources changed since the last run.
      ensureWebBuild(),
      // One browser for every test file; each test opens its own context (cookies, storage).
      tracked(
        chromiumPath
          ? import('playwright-core').then(({ chromium: launcher }) =>
              launcher.launchServer({ executablePath: chromiumPath, headless: true, args: [...CHROMIUM_ARGS], timeout: 30_000 }),
            )
          : Promise.resolve(undefined),
        async (browser) => browser?.close(),
      ),
    ] as const;
    // Every start ends (up or failed) before a failure tears down, so nothing is left running.
    await Promise.allSettled(starts);
    const [postgres, sqs, s3, dynamodb, pds, web, chromium] = await Promise.all(starts);

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
      webBuild: web.outDir,
      ...(chromium ? { chromiumEndpoint: chromium.wsEndpoint() } : {}),
    };
    project.provide('chronopost', environment);
    console.log(
      `test environment ready in ${Math.round(performance.now() - started)} ms (web app ${web.built ? 'built' : 'unchanged'}, ${chromium ? 'Chromium' : 'no Chromium: browser tests skip'})`,
    );
  } catch (error) {
    await teardown();
    if (error instanceof StartupError) {
      // Something the user can fix (e.g. as root, a folder the `postgres` user cannot enter): one
      // line saying what to do, rather than a stack under vitest's "Unhandled Error".
      console.error(`chronopost: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  return teardown;
}
