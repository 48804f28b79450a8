import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger';
import { REDACTED, redactText } from './redact';

const captureLog = (write: () => void): string => {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  // Warnings and errors go to stderr, the rest to stdout.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    write();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('');
};

const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOmFiYyJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('logger redaction', () => {
  afterEach(() => vi.restoreAllMocks());

  it('removes secret fields whatever their spelling', () => {
    const logger = createLogger('test');
    const output = captureLog(() =>
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
    const output = captureLog(() => {
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
});
