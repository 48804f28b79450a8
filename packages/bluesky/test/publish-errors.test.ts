import { TokenRefreshError } from '@atproto/oauth-client-node';
import { XRPCError } from '@atproto/xrpc';
import { renderMessage } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import { classifyPublishError, missingBlobOf, PublishError, retryAfterFrom } from '../src';

const now = new Date('2026-11-22T12:00:00.000Z');

describe('classifying publication failures', () => {
  it('sorts PDS answers into what to do next', () => {
    const xrpc = (status: number, error?: string, headers?: Record<string, string>) =>
      new XRPCError(status, error, `said ${status}`, headers);
    expect(classifyPublishError(xrpc(503), now)?.errorClass).toBe('server');
    expect(classifyPublishError(xrpc(500, 'InternalServerError'), now)?.errorClass).toBe('server');
    expect(classifyPublishError(xrpc(400, 'InvalidRequest'), now)).toMatchObject({ errorClass: 'validation' });
    expect(classifyPublishError(xrpc(413), now)?.errorClass).toBe('validation');
    expect(classifyPublishError(xrpc(401, 'InvalidToken'), now)?.errorClass).toBe('auth');
    expect(classifyPublishError(xrpc(400, 'ExpiredToken'), now)?.errorClass).toBe('auth');
    expect(classifyPublishError(xrpc(403), now)?.errorClass).toBe('auth');
    const limited = classifyPublishError(xrpc(429, 'RateLimitExceeded', { 'ratelimit-reset': '1795435200' }), now);
    expect(limited).toEqual({
      errorClass: 'rate_limited',
      reason: { code: 'pds_rate_limited' },
      retryAfter: new Date(1795435200 * 1000),
    });
    expect(renderMessage(limited!.reason)).toBe('Your Bluesky server is rate-limiting this account.');
  });

  it('retries a write refused for a blob the PDS no longer has, naming the blob', () => {
    // As @atproto/pds answers applyWrites (InvalidRequestError, 400): the services/media video test sees it from the real PDS.
    const cid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    const missing = new XRPCError(400, 'BlobNotFound', `Could not find blob: ${cid}`);
    expect(missingBlobOf(missing)).toEqual({ cids: [cid] });
    const classified = classifyPublishError(missing, now);
    expect(classified).toEqual({
      errorClass: 'server',
      reason: { code: 'blob_missing', params: { detail: `Could not find blob: ${cid}` } },
    });
    expect(renderMessage(classified!.reason, 'ja')).toContain('アップロードし直します');
    expect(missingBlobOf(new XRPCError(400, 'InvalidRequest', `Could not find blob: ${cid}`))).toBeUndefined();
  });

  it('calls it the network when no answer came', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyPublishError(refused, now)?.errorClass).toBe('network');
    expect(classifyPublishError(XRPCError.from(refused), now)?.errorClass).toBe('network');
    expect(classifyPublishError(new DOMException('The operation timed out.', 'TimeoutError'), now)?.errorClass).toBe('network');
  });

  it('blocks on an ended session, keeps our own verdicts, and leaves our bugs to crash', () => {
    expect(classifyPublishError(new TokenRefreshError('did:plc:x', 'revoked'), now)?.errorClass).toBe('session_ended');
    const classified = classifyPublishError(new PublishError('validation', { code: 'quote_gone' }), now);
    expect(classified).toEqual({ errorClass: 'validation', reason: { code: 'quote_gone' } });
    expect(renderMessage(classified!.reason)).toBe('The post you quote no longer exists.');
    expect(classifyPublishError(new RangeError('bug'), now)).toBeUndefined();
  });

  it('reads when to come back from ratelimit-reset or Retry-After', () => {
    expect(retryAfterFrom({ 'ratelimit-reset': '1795435200' }, now)).toEqual(new Date(1795435200 * 1000));
    expect(retryAfterFrom({ 'retry-after': '120' }, now)).toEqual(new Date(now.getTime() + 120_000));
    expect(retryAfterFrom(new Headers({ 'Retry-After': 'Sun, 22 Nov 2026 12:10:00 GMT' }), now)).toEqual(new Date('2026-11-22T12:10:00Z'));
    expect(retryAfterFrom({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterFrom(undefined, now)).toBeUndefined();
  });
});
