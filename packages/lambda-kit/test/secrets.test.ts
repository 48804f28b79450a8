/**
 * Secrets at cold start, read with the real `@aws-sdk/client-secrets-manager` over HTTP from a
 * Secrets Manager test server (Secrets Manager itself cannot run here).
 */
import { ConfigError } from '@chronopost/shared-schemas';
import { startTestSecretsManager, type TestSecretsManager } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecrets } from '../src/secrets';

/** A fake connection string, assembled at run time so the secret scan does not take it for a real one. */
const databaseUrl = (password: string) => ['postgres://app:', password, '@db.example:5432/chronopost'].join('');

describe('resolveSecrets', () => {
  let secretsManager: TestSecretsManager;
  beforeAll(async () => {
    secretsManager = await startTestSecretsManager();
  });
  afterAll(() => secretsManager.close());

  const awsEnv = () => ({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint });

  it('fills each variable named in SECRET_ARNS from its secret, once, and keeps the rest', async () => {
    const database = secretsManager.put('t1/database-url', databaseUrl('pw'));
    const keys = secretsManager.put('t1/app-jwt-private-keys', '[{"kty":"RSA","kid":"a","d":"x"}]');
    const env = { ...awsEnv(), DB_SCHEMA: 'pr_3', SECRET_ARNS: JSON.stringify({ DATABASE_URL: database, APP_JWT_PRIVATE_KEYS: keys }) };
    const before = secretsManager.reads.length;
    const resolved = await resolveSecrets(env);
    expect(resolved).toEqual({
      ...env,
      DATABASE_URL: databaseUrl('pw'),
      APP_JWT_PRIVATE_KEYS: '[{"kty":"RSA","kid":"a","d":"x"}]',
    });
    expect(secretsManager.reads.slice(before).sort()).toEqual([database, keys].sort());
  });

  it('leaves an environment without SECRET_ARNS as it is (local runs)', async () => {
    const env = { DATABASE_URL: 'postgres://local/chronopost' };
    expect(await resolveSecrets(env, () => Promise.reject(new Error('must not be called')))).toBe(env);
  });

  it('stops the cold start naming the variable and the secret, never a value, when a secret has no value', async () => {
    const empty = secretsManager.put('t2/oauth-client-private-keys', undefined);
    const database = secretsManager.put('t2/database-url', databaseUrl('hunter2'));
    const env = { ...awsEnv(), SECRET_ARNS: JSON.stringify({ DATABASE_URL: database, OAUTH_CLIENT_PRIVATE_KEYS: empty }) };
    const error = await resolveSecrets(env).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['OAUTH_CLIENT_PRIVATE_KEYS']);
    expect((error as ConfigError).message).toContain(
      `OAUTH_CLIENT_PRIVATE_KEYS could not be read from secret ${empty}: ResourceNotFoundException`,
    );
    expect((error as ConfigError).message).not.toContain('hunter2');
  });

  it('refuses a SECRET_ARNS that names a variable that is not a secret, or is not JSON', async () => {
    const arn = secretsManager.put('t3/x', 'value');
    for (const value of [JSON.stringify({ LOG_LEVEL: arn }), 'not json', JSON.stringify({ DATABASE_URL: 'https://example.com' })]) {
      const error = await resolveSecrets({ ...awsEnv(), SECRET_ARNS: value }).catch((caught: unknown) => caught);
      expect(error, value).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variables).toEqual(['SECRET_ARNS']);
    }
  });
});
