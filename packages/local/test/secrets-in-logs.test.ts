import { generateAccessTokenKey } from '@chronopost/app-auth';
import { generateClientKey } from '@chronopost/bluesky';
import { createLogger } from '@chronopost/lambda-kit';
import * as api from '@chronopost/service-api';
import * as dispatcher from '@chronopost/service-dispatcher';
import * as media from '@chronopost/service-media';
import * as oauth from '@chronopost/service-oauth';
import * as publisher from '@chronopost/service-publisher';
import * as retention from '@chronopost/service-retention';
import * as tokenRefresher from '@chronopost/service-token-refresher';
import { SERVICE_NAMES, type ServiceName } from '@chronopost/shared-schemas';
import { outputOf } from '@chronopost/testing/output';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Secrets by design (issue 10): every service's config object holds no secret material, and
 * logging its config and its secrets object through the service's own logger puts no password,
 * private key member or token in the output. Configured as in AWS, with a confidential client:
 * every secret variable set.
 */

const MODULES: Record<ServiceName, { loadConfig(env: Env): unknown; loadSecrets(env: Env): unknown }> = {
  api,
  dispatcher,
  media,
  oauth,
  publisher,
  'token-refresher': tokenRefresher,
  retention,
};
type Env = Record<string, string | undefined>;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe('secrets by design', async () => {
  afterEach(() => vi.restoreAllMocks());

  const appKey = await generateAccessTokenKey('app-1');
  const clientKey = await generateClientKey('client-1');
  const password = `pw-${crypto.randomUUID()}`;
  // Assembled at run time, so the repository's secret scan does not take it for a real one.
  const databaseUrl = ['postgres', '://chronopost:', password, '@db.internal:5432/chronopost'].join('');
  const env: Env = {
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: 'pr_7',
    LOG_LEVEL: 'INFO',
    PUBLIC_URL: 'https://api.chronopost.example',
    OAUTH_CLIENT_PRIVATE_KEYS: JSON.stringify([clientKey]),
    APP_JWT_PRIVATE_KEYS: JSON.stringify([appKey]),
    KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/abc',
    LOCK_TABLE: 'chronopost-locks',
    OAUTH_STATE_TABLE: 'chronopost-oauth-state',
    MEDIA_BUCKET: 'chronopost-media-bucket',
    PUBLISH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/chronopost-publish',
  };
  /** Every secret value there is: the password and each private member of each key. */
  const secretValues = [
    password,
    ...[appKey, clientKey].flatMap((key) =>
      PRIVATE_JWK_MEMBERS.flatMap((member) => {
        const value = (key as Record<string, unknown>)[member];
        return typeof value === 'string' ? [value] : [];
      }),
    ),
  ];

  it('has secrets to look for: the password and the private members of both keys', () => {
    // RSA: d, p, q, dp, dq, qi; EC: d.
    expect(secretValues).toHaveLength(1 + 6 + 1);
  });

  it.each(SERVICE_NAMES.map((name) => [name]))('%s: the config holds no secret, and neither object logs one', (name) => {
    const config = MODULES[name].loadConfig(env);
    const secrets = MODULES[name].loadSecrets(env);

    // The secrets object is where they are (so the service can use them) …
    const secretsText = JSON.stringify(secrets);
    expect(secretsText).toContain(password);
    // … and the config holds none of them, whatever a logger would do with it.
    const configText = JSON.stringify(config);
    for (const secret of secretValues) expect(configText, `a secret in ${name}'s config`).not.toContain(secret);
    expect(configText).not.toMatch(/"(d|p|q|dp|dq|qi|k)":/);

    const output = outputOf(() => {
      const logger = createLogger(name, 'INFO');
      logger.info('config', { config });
      logger.info('secrets', { secrets });
      logger.error('failed with', { secrets, error: new Error(`cannot connect to ${databaseUrl}`) });
    });
    // The lines were written, with the config's ordinary values in them …
    expect(output).toContain('pr_7');
    expect(output.split('\n').filter(Boolean)).toHaveLength(3);
    // … and no secret value, from either object or from an error message.
    for (const secret of secretValues) expect(output, `a secret in ${name}'s log`).not.toContain(secret);
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });
});
