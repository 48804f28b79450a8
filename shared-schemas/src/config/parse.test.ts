import { describe, expect, it } from 'vitest';
import { apiConfigSchema, apiSecretsSchema } from './api';
import { dispatcherConfigSchema } from './dispatcher';
import { privateOriginsField } from './fields';
import { ConfigError, parseConfig } from './parse';

const catchConfigError = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  it('applies defaults and shapes the config', () => {
    const config = parseConfig(apiConfigSchema, { DATABASE_URL: 'postgres://u:p@db:5432/chronopost', MEDIA_BUCKET: 'media' });
    expect(config).toEqual({
      // The URL (with its password) is a secret: it is in the secrets object, not here.
      database: { schema: 'public' },
      aws: { region: 'us-east-1', endpoints: { sqs: undefined, s3: undefined, dynamodb: undefined, kms: undefined } },
      logLevel: 'INFO',
      identity: { handleResolver: undefined, plcUrl: undefined, allowHttp: false, privateOrigins: [] },
      schedule: { minLeadSeconds: 30, maxAheadDays: 365 },
      publishQueueUrl: undefined,
      mediaBucket: 'media',
      fetchAllowPrivateOrigins: [],
    });
  });

  it('reads the secrets from the same environment into their own object', () => {
    const secrets = parseConfig(apiSecretsSchema, { DATABASE_URL: 'postgres://u:p@db:5432/chronopost', MEDIA_BUCKET: 'media' });
    expect(secrets).toEqual({ databaseUrl: 'postgres://u:p@db:5432/chronopost' });
  });

  it('gives the api the publish queue only in look-ahead mode', () => {
    const env = {
      DATABASE_URL: 'postgres://u:p@db:5432/chronopost',
      MEDIA_BUCKET: 'media',
      PUBLISH_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/publish',
    };
    expect(parseConfig(apiConfigSchema, env).publishQueueUrl).toBe(env.PUBLISH_QUEUE_URL);
    expect(parseConfig(apiConfigSchema, { ...env, DISPATCH_MODE: 'naive' }).publishQueueUrl).toBeUndefined();
  });

  it('names a missing variable and says what it must be', () => {
    const error = catchConfigError(() => parseConfig(apiConfigSchema, {}));
    expect(error.variables).toEqual(['DATABASE_URL', 'MEDIA_BUCKET']);
    expect(error.message).toMatch(/^Invalid configuration: DATABASE_URL is required: a PostgreSQL connection string/);
  });

  it('treats an empty variable as unset', () => {
    const error = catchConfigError(() => parseConfig(apiConfigSchema, { DATABASE_URL: '' }));
    expect(error.message).toContain('DATABASE_URL is required');
  });

  it('rejects a malformed value with the reason', () => {
    const error = catchConfigError(() =>
      parseConfig(apiConfigSchema, { DATABASE_URL: 'mysql://db/x', DB_SCHEMA: 'Robert"); DROP', MEDIA_BUCKET: 'media' }),
    );
    expect(error.variables).toEqual(['DATABASE_URL', 'DB_SCHEMA']);
    expect(error.message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(error.message).toContain('DB_SCHEMA must be a lower-case SQL identifier');
  });

  it('lists every bad variable in one message', () => {
    const error = catchConfigError(() => parseConfig(dispatcherConfigSchema, { LOG_LEVEL: 'LOUD', AWS_ENDPOINT_URL_SQS: 'nope' }));
    expect(error.variables.sort()).toEqual(['AWS_ENDPOINT_URL_SQS', 'DATABASE_URL', 'LOG_LEVEL', 'PUBLISH_QUEUE_URL']);
  });

  it('lets identities reach further private PDSes only with OAUTH_ALLOW_HTTP', () => {
    const env = {
      DATABASE_URL: 'postgresql://db/x',
      MEDIA_BUCKET: 'media',
      ATPROTO_HANDLE_RESOLVER: 'http://localhost:2583',
      ATPROTO_PLC_URL: 'http://localhost:2582',
      ATPROTO_PRIVATE_ORIGINS: 'http://localhost:2584,http://localhost:2585',
    };
    expect(parseConfig(apiConfigSchema, { ...env, OAUTH_ALLOW_HTTP: 'true' }).identity.privateOrigins).toEqual([
      'http://localhost:2583',
      'http://localhost:2582',
      'http://localhost:2584',
      'http://localhost:2585',
    ]);
    expect(parseConfig(apiConfigSchema, env).identity.privateOrigins).toEqual([]);
  });

  it('keeps a preview schema name', () => {
    const config = parseConfig(apiConfigSchema, { DATABASE_URL: 'postgresql://db/x', DB_SCHEMA: 'pr_42', MEDIA_BUCKET: 'media' });
    expect(config.database.schema).toBe('pr_42');
  });
});

describe('the private-origins allow-list', () => {
  it('reads a comma-separated list of exact origins', () => {
    expect(privateOriginsField.parse('http://localhost:2583, http://localhost:2582/')).toEqual([
      'http://localhost:2583',
      'http://localhost:2582',
    ]);
    expect(privateOriginsField.parse(undefined)).toEqual([]);
  });

  it('refuses anything broader than an origin', () => {
    for (const value of ['*', 'localhost', 'http://localhost:2583/path', 'file:///x', 'http://user@localhost:1']) {
      expect(privateOriginsField.safeParse(value).success).toBe(false);
    }
  });
});
