import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@chronopost/lambda-kit';
import { MAX_VIDEO_UPLOAD_BYTES, UPLOAD_PREFIX } from '@chronopost/core';
import { createDatabase, migrateDatabase } from '@chronopost/db';
import { FUNCTION_TIMEOUT_SECONDS, HTTP_ROUTES } from '@chronopost/shared-schemas';
import { loadOrCreateMasterKey } from '@chronopost/vault';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws-local';
import type { LocalConfig } from './config';
import { createLocalDynamoDbClient, createTables, startLocalDynamoDb } from './dynamodb';
import { startLocalGateway } from './gateway';
import { createPdsAccount, type DevPds, startDevPds } from './pds';
import { connectExternalPostgres, ensureDatabase, type PostgresServer, redactUrl, startEmbeddedPostgres } from './postgres';
import { assertPortFree, freePort } from './ports';
import { loadOrCreateLocalSecrets } from './local-secrets';
import { startSchedule } from './schedule';
import { bootServices, metricsFileWriter } from './services';
import { createLocalSqsClient, createPublishQueues, startLocalSqs } from './sqs';
import { startSqsEventSource } from './sqs-event-source';
import { recoverAfterRestart } from './recover';
import { startLocalS3 } from './s3';
import { startMediaTrigger } from './media-trigger';
import { startWebServer } from './web';
import { ensureWebBuild } from '@chronopost/web/build';

export interface RuntimeOptions {
  /** Also start a dev PDS with a demo account. */
  demo?: boolean;
  logger: Logger;
  /** Told the web app's address as soon as it is known, before anything starts (the CLI prints it first). */
  onWebUrl?: (url: string) => void;
}

export interface Runtime {
  url: string;
  /** The web app, on its own origin. */
  webUrl: string;
  /** The environment the services were started with (the same variables as in AWS). */
  serviceEnv: Record<string, string>;
  demo?: { pdsUrl: string; handle: string; password: string; did: string };
  stop(): Promise<void>;
}

/** Timeouts of the deployed functions: terraform sets the same, from the same table. */
const TIMEOUT_MS = {
  dispatcher: FUNCTION_TIMEOUT_SECONDS.dispatcher * 1000,
  tokenRefresher: FUNCTION_TIMEOUT_SECONDS['token-refresher'] * 1000,
  retention: FUNCTION_TIMEOUT_SECONDS.retention * 1000,
  publisher: FUNCTION_TIMEOUT_SECONDS.publisher * 1000,
  media: FUNCTION_TIMEOUT_SECONDS.media * 1000,
};

/**
 * Starts Chronopost in one process: PostgreSQL (embedded unless DATABASE_URL is set), the AWS
 * stand-ins, every service's handler behind the same triggers as in AWS, and, for `--demo`, a
 * local PDS. Returns once everything answers; `stop()` shuts down in reverse order.
 */
export async function startRuntime(config: LocalConfig, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const started = performance.now();
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const component = (name: string, fields: Record<string, unknown>) =>
    logger.info(`${name} ready`, { component: name, ...fields, ms: Math.round(performance.now() - started) });

  try {
    // Every port first, so a clash is one clear message before anything has started.
    await assertPortsFree(config, options.demo === true);
    // The gateway's port is part of the public URL (and of the OAuth client id), so it is fixed now.
    const port = config.port === 0 ? await freePort(config.host) : config.port;
    const publicUrl = config.publicUrl ?? `http://127.0.0.1:${port}`;
    // The web app has an origin of its own, as on Pages: CORS and cookies work as they do in AWS.
    const webPort = config.webPort === 0 ? await freePort(config.host) : config.webPort;
    const webUrl = `http://${config.host}:${webPort}`;
    const webOrigin = config.webOrigin ?? new URL(webUrl).origin;
    options.onWebUrl?.(webUrl);
    await mkdir(config.home, { recursive: true });
    // Built only when its sources changed since the last run (a few seconds), meanwhile the rest starts.
    const webBuild = ensureWebBuild();
    webBuild.catch(() => undefined);
    const masterKey = await loadOrCreateMasterKey(config.masterKeyFile);
    component('keyring', { file: config.masterKeyFile, keyId: masterKey.keyId, created: masterKey.created });
    const secrets = await loadOrCreateLocalSecrets(config.secretsFile);

    const demoPds: Promise<DevPds | undefined> = options.demo
      ? startDevPds({
          dataDir: join(config.home, 'pds', String(process.pid)),
          pdsPort: config.ports.pds,
          plcPort: config.ports.plc,
          // A video is one blob: the dev PDS takes as much as a video upload may be.
          blobUploadLimit: MAX_VIDEO_UPLOAD_BYTES,
        })
      : Promise.resolve(undefined);
    // Stopped last, and also when something else fails while it is still starting.
    demoPds.catch(() => undefined);
    stops.push({ name: 'pds', stop: async () => (await demoPds.catch(() => undefined))?.close() });

    const [postgres, sqsServer, s3, dynamo] = await Promise.all([
      startLocalDatabase(config, logger),
      startLocalSqs({ host: config.host, port: config.ports.sqs }),
      startLocalS3({
        host: config.host,
        port: config.ports.s3,
        directory: join(config.home, 's3'),
        buckets: [config.mediaBucket],
        webOrigin,
      }),
      startLocalDynamoDb({ host: config.host, port: config.ports.dynamodb, directory: join(config.home, 'dynamodb') }),
    ]);
    stops.push({ name: 'postgres', stop: () => postgres.server.stop() });
    stops.push({ name: 'sqs', stop: () => sqsServer.close() });
    stops.push({ name: 's3', stop: () => s3.close() });
    stops.push({ name: 'dynamodb', stop: () => dynamo.close() });

    const { applied } = await migrateDatabase({ url: postgres.url, schema: config.database.schema });
    component('postgres', {
      url: redactUrl(postgres.url),
      embedded: postgres.server.embedded,
      schema: config.database.schema,
      migration: applied,
      ...(postgres.server.embedded ? { passwordFile: join(config.home, 'postgres', 'password') } : {}),
    });

    const sqs = createLocalSqsClient(sqsServer.endpoint);
    const queues = await createPublishQueues(sqs, {
      name: config.queues.publish,
      deadLetterName: config.queues.deadLetter,
      maxReceiveCount: config.queues.maxReceiveCount,
      visibilityTimeoutSeconds: config.queues.visibilityTimeoutSeconds,
    });
    component('sqs', { endpoint: sqsServer.endpoint, queueUrl: queues.queueUrl, deadLetterQueueUrl: queues.deadLetterQueueUrl });
    // The queue starts empty: what the previous run had queued or was publishing goes out again now.
    const recoveryDb = createDatabase(
      { url: postgres.url, schema: config.database.schema },
      { max: 1, applicationName: 'chronopost-recovery' },
    );
    try {
      const recovered = await recoverAfterRestart(recoveryDb, { sqs, queueUrl: queues.queueUrl });
      if (recovered.requeued + recovered.crashed > 0) component('recovery', recovered);
    } finally {
      await recoveryDb.$client.end();
    }
    component('s3', { endpoint: s3.endpoint, bucket: config.mediaBucket, corsOrigin: webOrigin });
    await createTables(createLocalDynamoDbClient(dynamo.endpoint), [config.tables.oauthState, config.tables.locks]);
    component('dynamodb', { endpoint: dynamo.endpoint, tables: [config.tables.oauthState, config.tables.locks] });

    // The demo PDS must answer before the services start: they resolve identities through it.
    let demo: Runtime['demo'];
    const pds = await demoPds;
    if (pds) {
      const account = await createPdsAccount(pds.url, { handle: 'alice.test' });
      demo = { pdsUrl: pds.url, handle: account.handle, password: account.password, did: account.did };
      component('pds', { url: pds.url, plcUrl: pds.plcUrl, handle: account.handle, did: account.did });
    }

    // The SDK's default credential chain reads these; the stand-ins accept any.
    process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
    const serviceEnv: Record<string, string> = {
      DATABASE_URL: postgres.url,
      DB_SCHEMA: config.database.schema,
      LOG_LEVEL: config.logLevel,
      AWS_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL_SQS: sqsServer.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      PUBLISH_QUEUE_URL: queues.queueUrl,
      PUBLISH_DLQ_URL: queues.deadLetterQueueUrl,
      MEDIA_BUCKET: config.mediaBucket,
      OAUTH_STATE_TABLE: config.tables.oauthState,
      LOCK_TABLE: config.tables.locks,
      PUBLIC_URL: publicUrl,
      WEB_ORIGIN: webOrigin,
      LOCAL_MASTER_KEY_FILE: config.masterKeyFile,
      APP_JWT_PRIVATE_KEYS: JSON.stringify(secrets.appJwtKeys),
      APP_JWT_AUDIENCE: config.appJwtAudience,
      LOGIN_RATE_LIMIT: String(config.loginRateLimit),
      SCHEDULE_MIN_LEAD_SECONDS: String(config.scheduleMinLeadSeconds),
      DISPATCH_MODE: config.dispatchMode,
      ...(publicUrl.startsWith('https:') ? { OAUTH_CLIENT_PRIVATE_KEYS: JSON.stringify(secrets.oauthClientKeys) } : {}),
      // With --demo, identities live on the local PDS and its PLC directory, over plain http;
      // ATPROTO_HANDLE_RESOLVER points at a PDS of your own the same way.
      ...(config.identities
        ? {
            ATPROTO_HANDLE_RESOLVER: config.identities.handleResolver,
            ...(config.identities.plcUrl ? { ATPROTO_PLC_URL: config.identities.plcUrl } : {}),
            ...(config.identities.privateOrigins.length ? { ATPROTO_PRIVATE_ORIGINS: config.identities.privateOrigins.join(',') } : {}),
            OAUTH_ALLOW_HTTP: 'true',
          }
        : {}),
      ...(pds ? { ATPROTO_HANDLE_RESOLVER: pds.url, ATPROTO_PLC_URL: pds.plcUrl, OAUTH_ALLOW_HTTP: 'true' } : {}),
    };
    // For operator commands run beside it (`pnpm dlq:redrive`); it holds keys, so only we may read it.
    const envFile = join(config.home, 'services.env.json');
    await writeFile(envFile, JSON.stringify(serviceEnv, null, 2), { mode: 0o600 });
    stops.push({ name: 'services.env.json', stop: () => rm(envFile, { force: true }) });
    // The metrics each service emits (EMF lines, as CloudWatch receives them), for benches to read.
    const metricsFile = join(config.home, 'metrics.jsonl');
    const services = bootServices(serviceEnv, { writeMetrics: metricsFileWriter(metricsFile) });
    component('metrics', { file: metricsFile, format: 'CloudWatch EMF, one JSON object per line' });
    stops.push({ name: 'service connections', stop: () => Promise.all(Object.values(services).map((service) => service.close())) });

    const gateway = await startLocalGateway({
      host: config.host,
      port,
      routes: HTTP_ROUTES,
      handlers: { api: services.api.handler, oauth: services.oauth.handler },
      webOrigin,
      authorizer: { issuer: publicUrl, audience: config.appJwtAudience },
      logger,
    });
    stops.push({ name: 'gateway', stop: () => gateway.close() });
    component('gateway', { url: gateway.url, publicUrl, webOrigin, routes: HTTP_ROUTES.length, health: `${gateway.url}/health` });

    const dispatcher = startSchedule({
      name: 'dispatcher',
      intervalMs: config.schedules.dispatcherMs,
      timeoutMs: TIMEOUT_MS.dispatcher,
      handler: services.dispatcher.handler,
      logger,
    });
    const refresher = startSchedule({
      name: 'token-refresher',
      intervalMs: config.schedules.tokenRefresherMs,
      timeoutMs: TIMEOUT_MS.tokenRefresher,
      handler: services.tokenRefresher.handler,
      logger,
    });
    const retention = startSchedule({
      name: 'retention',
      intervalMs: config.schedules.retentionMs,
      timeoutMs: TIMEOUT_MS.retention,
      handler: services.retention.handler,
      logger,
    });
    stops.push({ name: 'schedules', stop: () => Promise.all([dispatcher.stop(), refresher.stop(), retention.stop()]) });
    component('schedules', {
      dispatcher: `every ${config.schedules.dispatcherMs / 1000} s`,
      tokenRefresher: `every ${config.schedules.tokenRefresherMs / 1000} s`,
      retention: `every ${config.schedules.retentionMs / 1000} s`,
    });

    const publisher = startSqsEventSource({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      functionName: 'publisher',
      handler: services.publisher.handler,
      batchSize: config.queues.batchSize,
      pollers: config.queues.pollers,
      maxConcurrency: config.queues.maxConcurrency,
      timeoutMs: TIMEOUT_MS.publisher,
      logger,
    });
    stops.push({ name: 'publisher event source', stop: () => publisher.stop() });
    component('publisher', {
      queueUrl: queues.queueUrl,
      batchSize: config.queues.batchSize,
      pollers: config.queues.pollers,
      maxConcurrency: config.queues.maxConcurrency,
    });

    const media = startMediaTrigger({ s3, handler: services.media.handler, timeoutMs: TIMEOUT_MS.media, logger });
    stops.push({ name: 'media invocations', stop: () => media.stop() });
    component('media', { bucket: config.mediaBucket, trigger: `s3:ObjectCreated:* ${UPLOAD_PREFIX}` });

    const { outDir, built } = await webBuild;
    const web = await startWebServer({
      host: config.host,
      port: webPort,
      directory: outDir,
      apiUrl: publicUrl,
      connect: [s3.endpoint, ...(pds ? [pds.url] : [])],
    });
    stops.push({ name: 'web', stop: () => web.close() });
    component('web', { url: web.url, apiUrl: publicUrl, directory: outDir, built });

    logger.info('chronopost is running', { url: gateway.url, webUrl: web.url, startupMs: Math.round(performance.now() - started) });
    return { url: publicUrl, webUrl: web.url, serviceEnv, ...(demo ? { demo } : {}), stop: () => stopAll(stops, logger) };
  } catch (error) {
    await stopAll(stops, logger);
    throw error;
  }
}

/**
 * The database `pnpm dev` uses: DATABASE_URL's server, or the embedded PostgreSQL with its data in
 * CHRONOPOST_HOME (as root, what its `postgres` user cannot reach there goes to LOCAL_POSTGRES_SYSTEM_DIR).
 */
export async function startLocalDatabase(config: LocalConfig, logger: Logger): Promise<{ server: PostgresServer; url: string }> {
  if (config.database.url) {
    const server = await connectExternalPostgres(config.database.url);
    return { server, url: config.database.url };
  }
  const server = await startEmbeddedPostgres({
    dir: join(config.home, 'postgres'),
    port: config.database.embeddedPort,
    persistent: true,
    systemDir: config.database.systemDir,
    systemDirSetting: 'LOCAL_POSTGRES_SYSTEM_DIR',
    portSetting: 'LOCAL_POSTGRES_PORT',
    onLog: (line) => logger.debug(line, { component: 'postgres' }),
    onNotice: (line) => logger.info(line, { component: 'postgres' }),
  });
  return { server, url: await ensureDatabase(server, 'chronopost') };
}

async function assertPortsFree(config: LocalConfig, demo: boolean): Promise<void> {
  const ports: Array<[number, string]> = [
    [config.port, 'PORT'],
    [config.webPort, 'WEB_PORT'],
    [config.ports.sqs, 'LOCAL_SQS_PORT'],
    [config.ports.s3, 'LOCAL_S3_PORT'],
    [config.ports.dynamodb, 'LOCAL_DYNAMODB_PORT'],
  ];
  // The embedded PostgreSQL's port is checked by its start, after it has stopped a server that a
  // killed run of this home left behind (that one holds the port: a restart after a crash).
  if (demo) ports.push([config.ports.pds, 'LOCAL_PDS_PORT'], [config.ports.plc, 'LOCAL_PLC_PORT']);
  for (const [port, variable] of ports) await assertPortFree(config.host, port, variable);
}

/** Stops components in reverse start order: first what produces work, last the database. */
async function stopAll(stops: Array<{ name: string; stop: () => Promise<unknown> }>, logger: Logger): Promise<void> {
  for (const { name, stop } of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      logger.warn('stopping a component failed', { component: name, error });
    }
  }
  stops.length = 0;
}
