import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { PROCESSED_PREFIX, UPLOAD_PREFIX } from '@chronopost/core';
import { FUNCTION_TIMEOUT_SECONDS, type ServiceName } from '@chronopost/shared-schemas';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { useStateBackend } from '../backend';
import type { SynthConfig } from '../config';
import { Alarms } from '../constructs/alarms';
import { HttpApi } from '../constructs/http-api';
import { MediaBucket } from '../constructs/media-bucket';
import {
  MAPPING_MAX_CONCURRENCY,
  PREVIEW_PUBLISH_MAX_CONCURRENCY,
  PUBLISH_MAX_CONCURRENCY,
  PublishQueue,
} from '../constructs/publish-queue';
import { Schedules } from '../constructs/schedules';
import { ServiceFunction } from '../constructs/service-function';
import { ttlTable } from '../constructs/tables';
import { TOKEN_KEY_ALIAS, TOKEN_KEY_PURPOSES, TokenKey } from '../constructs/token-key';
import { WebApp } from '../constructs/web';
import { type Deployment, type Names, namesFor } from '../naming';

/**
 * Memory per function (MB): the publisher signs and hashes records, media resizes images (1,769 MB
 * is where Lambda gives a whole vCPU: `pnpm bench media` measures against one).
 */
export const MEMORY_MB: Record<ServiceName, number> = {
  oauth: 512,
  api: 512,
  dispatcher: 512,
  publisher: 1024,
  'token-refresher': 512,
  retention: 256,
  media: 1769,
};

/** Secrets shared by production and the previews: the database (one server, a schema each). */
export const DATABASE_URL_SECRET = 'chronopost/database-url';

/** The app JWT audience API Gateway's authorizer checks (the oauth service's default). */
export const APP_JWT_AUDIENCE = 'chronopost-api';

/**
 * Production, or the preview of one pull request: functions, queues, tables, schedules, the HTTP
 * API, the media bucket and the web app. A preview shares only the database (schema `pr_<n>`) and
 * the token KMS key with production; everything else is its own and carries the PR number.
 */
export class EnvironmentStack extends TerraformStack {
  readonly names: Names;
  readonly functions: { [S in ServiceName]: ServiceFunction<S> };

  constructor(scope: Construct, config: SynthConfig, deployment: Deployment) {
    const names = namesFor(deployment);
    super(scope, names.stack);
    this.names = names;
    const prod = deployment.kind === 'prod';
    useStateBackend(this, config, names.stateKey);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'chronopost', environment: names.id } }],
    });
    // Reads CLOUDFLARE_API_TOKEN from the environment.
    new CloudflareProvider(this, 'cloudflare', {});

    const domain = new TerraformVariable(this, 'domain', {
      type: 'string',
      description: 'The registrable domain the web app and the API live under (same site: the refresh cookie needs it)',
    }).stringValue;
    const cloudflareAccountId = new TerraformVariable(this, 'cloudflare_account_id', { type: 'string' }).stringValue;
    const cloudflareZoneId = new TerraformVariable(this, 'cloudflare_zone_id', {
      type: 'string',
      description: 'The Cloudflare zone of the domain',
    }).stringValue;

    const accountId = new DataAwsCallerIdentity(this, 'account', {}).accountId;
    const apiHost = names.apiHost(domain);
    const webHost = names.webHost(domain);
    const publicUrl = `https://${apiHost}`;
    const webOrigin = `https://${webHost}`;

    // Secrets: values are put by hand (production) or by the preview workflow, never by terraform,
    // so they are in no state file and no plan.
    const databaseUrlArn = prod
      ? new SecretsmanagerSecret(this, 'database-url', { name: DATABASE_URL_SECRET, description: 'PostgreSQL URL (all environments)' }).arn
      : new DataAwsSecretsmanagerSecret(this, 'database-url', { name: DATABASE_URL_SECRET }).arn;
    const appJwtKeysArn = new SecretsmanagerSecret(this, 'app-jwt-keys', {
      name: `${names.prefix}/app-jwt-private-keys`,
      description: 'APP_JWT_PRIVATE_KEYS: JSON array of RS256 private JWKs',
      recoveryWindowInDays: prod ? 30 : 0,
    }).arn;
    const oauthClientKeysArn = new SecretsmanagerSecret(this, 'oauth-client-keys', {
      name: `${names.prefix}/oauth-client-private-keys`,
      description: 'OAUTH_CLIENT_PRIVATE_KEYS: JSON array of ES256 private JWKs',
      recoveryWindowInDays: prod ? 30 : 0,
    }).arn;
    const tokenKeyArn = prod
      ? new TokenKey(this, 'token-key', { accountId }).key.arn
      : new DataAwsKmsAlias(this, 'token-key', { name: TOKEN_KEY_ALIAS }).targetKeyArn;

    const stateTable = ttlTable(this, 'oauth-state', `${names.prefix}-oauth-state`, prod);
    const lockTable = ttlTable(this, 'locks', `${names.prefix}-locks`, prod);

    const fn = <S extends ServiceName>(service: S) =>
      new ServiceFunction(this, {
        service,
        prefix: names.prefix,
        accountId,
        region: config.region,
        memoryMb: MEMORY_MB[service],
        zipPath: join(config.artifactsDir, `${service}.zip`),
        logRetentionDays: prod ? 30 : 7,
        aliasManagedBy: prod ? 'workflow' : 'terraform',
      });
    const functions = {
      oauth: fn('oauth'),
      api: fn('api'),
      dispatcher: fn('dispatcher'),
      publisher: fn('publisher'),
      'token-refresher': fn('token-refresher'),
      retention: fn('retention'),
      media: fn('media'),
    };
    this.functions = functions;
    const all = Object.values(functions) as ServiceFunction<ServiceName>[];

    // Every service: the database, its schema, and its log level.
    for (const f of all) {
      (f as ServiceFunction<'api'>).env('DB_SCHEMA', names.dbSchema).env('LOG_LEVEL', 'INFO').secret('DATABASE_URL', databaseUrlArn);
    }

    // The services that emit metrics: one CloudWatch namespace per environment (the alarms read it).
    functions.dispatcher.env('METRICS_NAMESPACE', names.metricsNamespace);
    functions.publisher.env('METRICS_NAMESPACE', names.metricsNamespace);
    functions['token-refresher'].env('METRICS_NAMESPACE', names.metricsNamespace);

    // The services that act with users' sessions build the same OAuth client.
    const tokenUsers = [functions.oauth, functions.publisher, functions['token-refresher']] as ServiceFunction<'publisher'>[];
    for (const f of tokenUsers) {
      f.env('PUBLIC_URL', publicUrl)
        .env('LOCK_TABLE', lockTable.name)
        .env('KMS_KEY_ID', tokenKeyArn)
        .secret('OAUTH_CLIENT_PRIVATE_KEYS', oauthClientKeysArn)
        .grant({
          Sid: 'OneRefreshAtATime',
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [lockTable.arn],
        })
        .grant({
          Sid: 'TokenEnvelopes',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: [tokenKeyArn],
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': [...TOKEN_KEY_PURPOSES] } },
        });
    }

    functions.oauth
      .env('WEB_ORIGIN', webOrigin)
      .env('OAUTH_STATE_TABLE', stateTable.name)
      .env('APP_JWT_AUDIENCE', APP_JWT_AUDIENCE)
      .secret('APP_JWT_PRIVATE_KEYS', appJwtKeysArn)
      .grant({
        Sid: 'PendingLoginsAndRateLimits',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: [stateTable.arn],
      });

    const publishMaxConcurrency = new TerraformVariable(this, 'publish_max_concurrency', {
      type: 'number',
      default: prod ? PUBLISH_MAX_CONCURRENCY : PREVIEW_PUBLISH_MAX_CONCURRENCY,
      description:
        'Publisher invocations the publish queue may drive at once (2–1,000). The default carries 100,000 posts due in one minute; it needs the account Lambda concurrency raised above it plus the other functions (docs/architecture.md).',
      validation: [
        {
          condition: `\${var.publish_max_concurrency >= 2 && var.publish_max_concurrency <= ${MAPPING_MAX_CONCURRENCY}}`,
          errorMessage: `publish_max_concurrency must be between 2 and ${MAPPING_MAX_CONCURRENCY} (an SQS event source mapping's range).`,
        },
      ],
    }).numberValue;
    const queues = new PublishQueue(this, 'publish', {
      prefix: names.prefix,
      publisher: functions.publisher,
      publisherTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS.publisher,
      maxConcurrency: publishMaxConcurrency,
    });
    // The api queues posts due before the dispatcher's next tick itself.
    for (const f of [functions.api, functions.dispatcher] as ServiceFunction<'dispatcher'>[]) {
      f.env('PUBLISH_QUEUE_URL', queues.queue.url).grant({
        Sid: 'SendPublishMessages',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [queues.queue.arn],
      });
    }
    functions.dispatcher.env('PUBLISH_DLQ_URL', queues.deadLetters.url).grant({
      Sid: 'FailDeadLetters',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: [queues.deadLetters.arn],
    });

    const media = new MediaBucket(this, 'media-bucket', {
      name: `${names.prefix}-media-${config.region}`,
      webOrigin,
      accountId,
      media: functions.media,
      forceDestroy: !prod,
    });
    const objects = `${media.bucket.arn}/*`;
    const uploads = `${media.bucket.arn}/${UPLOAD_PREFIX}*`;
    const processed = `${media.bucket.arn}/${PROCESSED_PREFIX}*`;
    functions.media
      .env('MEDIA_BUCKET', media.bucket.bucket)
      .grant({ Sid: 'ReadUploads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [uploads] })
      .grant({ Sid: 'WriteProcessedImages', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [processed] });
    // The api signs upload forms (S3 checks the signer may PutObject), stores link-card images,
    // signs preview URLs of processed images, and deletes unused uploads.
    functions.api
      .env('MEDIA_BUCKET', media.bucket.bucket)
      .grant({ Sid: 'SignUploads', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [uploads] })
      .grant({ Sid: 'SignPreviews', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [processed] })
      .grant({ Sid: 'DeleteUnusedUploads', Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [uploads, processed] });
    functions.publisher
      .env('MEDIA_BUCKET', media.bucket.bucket)
      .grant({ Sid: 'ReadImages', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [processed] });
    // Retention (its own daily function) deletes what no post refers to any more.
    functions.retention
      .env('MEDIA_BUCKET', media.bucket.bucket)
      .grant({ Sid: 'DeleteOrphanUploads', Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [objects] });

    const api = new HttpApi(this, 'http', {
      prefix: names.prefix,
      apiHost,
      webOrigin,
      audience: APP_JWT_AUDIENCE,
      zoneId: cloudflareZoneId,
      handlers: { api: functions.api, oauth: functions.oauth },
    });

    new Schedules(this, 'schedules', {
      prefix: names.prefix,
      accountId,
      schedules: [
        { name: 'dispatch', expression: 'rate(1 minute)', target: functions.dispatcher },
        { name: 'refresh-tokens', expression: 'rate(5 minutes)', target: functions['token-refresher'] },
        { name: 'retention', expression: 'rate(1 day)', target: functions.retention },
      ],
    });

    const web = new WebApp(this, 'web', {
      projectName: `${names.prefix}-web`,
      host: webHost,
      accountId: cloudflareAccountId,
      zoneId: cloudflareZoneId,
    });

    if (prod) {
      const email = new TerraformVariable(this, 'alarm_email', {
        type: 'string',
        default: '',
        description: 'An address subscribed to the alarm topic (empty: none)',
      }).stringValue;
      new Alarms(this, 'alarms', {
        prefix: names.prefix,
        namespace: names.metricsNamespace,
        functions: all,
        deadLetterQueueName: queues.deadLetters.name,
        apiId: api.api.id,
        email,
      });
    }

    // What the workflows read after apply (`terraform output -json`).
    new TerraformOutput(this, 'api_url', { value: publicUrl });
    new TerraformOutput(this, 'web_url', { value: webOrigin });
    new TerraformOutput(this, 'web_project', { value: web.project.name });
    new TerraformOutput(this, 'db_schema', { value: names.dbSchema });
    new TerraformOutput(this, 'database_url_secret', { value: databaseUrlArn });
    new TerraformOutput(this, 'app_jwt_keys_secret', { value: appJwtKeysArn });
    new TerraformOutput(this, 'oauth_client_keys_secret', { value: oauthClientKeysArn });
    new TerraformOutput(this, 'functions', {
      value: Object.fromEntries(all.map((f) => [f.service, { name: f.functionName, version: f.fn.version }])),
    });
  }
}
