import { resolve } from 'node:path';
import { PUBLISH_VISIBILITY_TIMEOUT_SECONDS } from '@chronopost/core';
import {
  databaseUrlField,
  dbSchemaField,
  httpUrlField,
  logLevelField,
  nameField,
  parseConfig,
  portField,
  positiveIntField,
  privateOriginsField,
} from '@chronopost/shared-schemas';
import * as z from 'zod';

/**
 * The local runtime's own settings. The services inside it are configured with exactly the
 * variables they read in AWS (DATABASE_URL, PUBLISH_QUEUE_URL, AWS_ENDPOINT_URL_*, …), which the
 * runtime derives from these once its stand-ins are up.
 */
export const localEnvSchema = z.object({
  CHRONOPOST_HOME: z.string().min(1).default('.chronopost'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: portField(3000),
  /** The web app (the Cloudflare Pages stand-in), on its own origin like in AWS. */
  WEB_PORT: portField(3001),
  DATABASE_URL: databaseUrlField.optional(),
  DB_SCHEMA: dbSchemaField,
  LOCAL_POSTGRES_PORT: portField(54329),
  /**
   * As root only: where the embedded PostgreSQL's `postgres` user gets a copy of the PostgreSQL
   * build and its data directory when node_modules or CHRONOPOST_HOME are closed to it.
   */
  LOCAL_POSTGRES_SYSTEM_DIR: z.string().min(1).default('/var/lib/chronopost'),
  LOCAL_SQS_PORT: portField(9324),
  LOCAL_S3_PORT: portField(4569),
  LOCAL_DYNAMODB_PORT: portField(4567),
  LOCAL_PDS_PORT: portField(2583),
  LOCAL_PLC_PORT: portField(2582),
  LOCAL_SQS_POLLERS: positiveIntField('concurrent pollers of the publish queue', 5),
  LOCAL_PUBLISH_MAX_CONCURRENCY: positiveIntField('publisher invocations at once', 100),
  /** The API's public base URL; http://127.0.0.1:<PORT> by default (an AT Protocol loopback client). */
  PUBLIC_URL: httpUrlField('the public base URL of the HTTP API').optional(),
  /** The web app's origin; by default the local web server's (http://127.0.0.1:<WEB_PORT>). */
  WEB_ORIGIN: httpUrlField('the origin of the web app, allowed by CORS').optional(),
  APP_JWT_AUDIENCE: z.string().min(1).default('chronopost-api'),
  LOGIN_RATE_LIMIT: positiveIntField('login starts per client IP per 10 minutes', 20),
  SCHEDULE_MIN_LEAD_SECONDS: positiveIntField('how far ahead a post must be scheduled, in seconds', 30),
  PUBLISH_QUEUE_NAME: nameField('the publish queue name').default('chronopost-publish'),
  PUBLISH_DLQ_NAME: nameField('the dead-letter queue name').default('chronopost-publish-dlq'),
  PUBLISH_MAX_RECEIVE_COUNT: positiveIntField('receives before a message moves to the DLQ', 5),
  /** Longer than the publisher's timeout (60 s) plus its lease margin, so a redelivery finds the lease run out. */
  PUBLISH_VISIBILITY_TIMEOUT_SECONDS: positiveIntField('the publish queue visibility timeout', PUBLISH_VISIBILITY_TIMEOUT_SECONDS),
  PUBLISH_BATCH_SIZE: positiveIntField('messages per publisher invocation (1-10)', 10).refine(
    (value) => value <= 10,
    'must be at most 10 (the SQS receive limit)',
  ),
  MEDIA_BUCKET: nameField('the media bucket name').default('chronopost-media'),
  OAUTH_STATE_TABLE: nameField('the OAuth state table name').default('chronopost-oauth-state'),
  LOCK_TABLE: nameField('the lock table name').default('chronopost-locks'),
  DISPATCH_INTERVAL_SECONDS: positiveIntField('seconds between dispatcher ticks', 60),
  /** `naive` exists only for benchmarks (see the dispatcher's configuration). */
  DISPATCH_MODE: z.enum(['lookahead', 'naive'], { error: 'must be lookahead or naive' }).default('lookahead'),
  TOKEN_REFRESH_INTERVAL_SECONDS: positiveIntField('seconds between token refresher runs', 300),
  /** A day, aligned to midnight UTC (EventBridge `rate(1 day)`). */
  RETENTION_INTERVAL_SECONDS: positiveIntField('seconds between retention runs', 86_400),
  /**
   * Identities from another network than Bluesky's (a PDS and PLC directory you run yourself,
   * over plain http), passed to the services. `--demo` sets them to its own PDS.
   */
  ATPROTO_HANDLE_RESOLVER: httpUrlField('the URL of a PDS that resolves handles').optional(),
  ATPROTO_PLC_URL: httpUrlField('the URL of a PLC directory').optional(),
  /** Further PDSes of your own (comma-separated origins) the services may reach over plain http. */
  ATPROTO_PRIVATE_ORIGINS: privateOriginsField,
  LOG_LEVEL: logLevelField,
});

export const localConfigSchema = localEnvSchema.transform((env) => {
  const home = resolve(env.CHRONOPOST_HOME);
  return {
    home,
    host: env.HOST,
    port: env.PORT,
    webPort: env.WEB_PORT,
    database: {
      url: env.DATABASE_URL,
      schema: env.DB_SCHEMA,
      embeddedPort: env.LOCAL_POSTGRES_PORT,
      systemDir: resolve(env.LOCAL_POSTGRES_SYSTEM_DIR),
    },
    ports: {
      sqs: env.LOCAL_SQS_PORT,
      s3: env.LOCAL_S3_PORT,
      dynamodb: env.LOCAL_DYNAMODB_PORT,
      pds: env.LOCAL_PDS_PORT,
      plc: env.LOCAL_PLC_PORT,
    },
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    webOrigin: env.WEB_ORIGIN ? new URL(env.WEB_ORIGIN).origin : undefined,
    appJwtAudience: env.APP_JWT_AUDIENCE,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    scheduleMinLeadSeconds: env.SCHEDULE_MIN_LEAD_SECONDS,
    dispatchMode: env.DISPATCH_MODE,
    queues: {
      publish: env.PUBLISH_QUEUE_NAME,
      deadLetter: env.PUBLISH_DLQ_NAME,
      maxReceiveCount: env.PUBLISH_MAX_RECEIVE_COUNT,
      visibilityTimeoutSeconds: env.PUBLISH_VISIBILITY_TIMEOUT_SECONDS,
      batchSize: env.PUBLISH_BATCH_SIZE,
      pollers: env.LOCAL_SQS_POLLERS,
      maxConcurrency: env.LOCAL_PUBLISH_MAX_CONCURRENCY,
    },
    mediaBucket: env.MEDIA_BUCKET,
    tables: { oauthState: env.OAUTH_STATE_TABLE, locks: env.LOCK_TABLE },
    schedules: {
      dispatcherMs: env.DISPATCH_INTERVAL_SECONDS * 1000,
      tokenRefresherMs: env.TOKEN_REFRESH_INTERVAL_SECONDS * 1000,
      retentionMs: env.RETENTION_INTERVAL_SECONDS * 1000,
    },
    identities: env.ATPROTO_HANDLE_RESOLVER
      ? { handleResolver: env.ATPROTO_HANDLE_RESOLVER, plcUrl: env.ATPROTO_PLC_URL, privateOrigins: env.ATPROTO_PRIVATE_ORIGINS }
      : undefined,
    logLevel: env.LOG_LEVEL,
    masterKeyFile: resolve(home, 'master.key'),
    secretsFile: resolve(home, 'local-secrets.json'),
  };
});
export type LocalConfig = z.output<typeof localConfigSchema>;

export const loadLocalConfig = (env: Record<string, string | undefined> = process.env): LocalConfig => parseConfig(localConfigSchema, env);
