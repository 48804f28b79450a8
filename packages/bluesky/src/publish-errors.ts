import {
  FetchRequestError,
  OAuthResolverError,
  OAuthResponseError,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client';
import { XRPCError } from '@atproto/xrpc';
import type { PublishErrorClass } from '@chronopost/core';

/** Why, for the user: a code of the message catalogue (shared-schemas/messages/publishing) and its params. */
export interface Reason {
  code: string;
  params?: Record<string, unknown>;
}

/** A failure we understand, raised by our own checks (a quoted post that is gone, a missing image). */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly errorClass: PublishErrorClass,
    readonly reason: Reason,
    readonly retryAfter?: Date,
  ) {
    super(reason.code);
  }
}

export interface ClassifiedError {
  errorClass: PublishErrorClass;
  /** For the user: what went wrong, with no token or key material. */
  reason: Reason;
  /** When the server said to come back (429 `ratelimit-reset` / `Retry-After`). */
  retryAfter?: Date;
}

/** `ratelimit-reset` (epoch seconds, Bluesky's) or `Retry-After` (seconds or an HTTP date). */
export function retryAfterFrom(headers: Record<string, string | undefined> | Headers | undefined, now: Date): Date | undefined {
  if (!headers) return undefined;
  const get = (name: string) =>
    headers instanceof Headers ? (headers.get(name) ?? undefined) : (headers[name] ?? headers[name.toLowerCase()]);
  const reset = get('ratelimit-reset');
  if (reset && /^\d+$/.test(reset.trim())) return new Date(Number(reset.trim()) * 1000);
  const retryAfter = get('retry-after');
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter.trim())) return new Date(now.getTime() + Number(retryAfter.trim()) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return new Date(date);
  }
  return undefined;
}

const isNetworkError = (error: unknown): boolean => {
  if (error instanceof FetchRequestError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (error instanceof TypeError && /fetch failed|network|socket/i.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isNetworkError(error.cause);
};

/** The PDS's own explanation, kept short: it is shown to the user. */
const detailOf = (error: XRPCError) => (error.message && error.message !== error.error ? { detail: error.message.slice(0, 300) } : {});

/**
 * A write the PDS refused because it does not have a blob the records name (`BlobNotFound`, a 400
 * from `applyWrites`: "Could not find blob: <cid>"). The PDS may delete a blob no record
 * references; uploading it again helps, so this is retried, not a refusal of the post. Answers the
 * CID the PDS named (empty if its message names none).
 */
export function missingBlobOf(error: unknown): { cids: string[] } | undefined {
  if (!(error instanceof XRPCError) || error.error !== 'BlobNotFound') return undefined;
  return { cids: error.message.match(/\bbaf[a-z2-7]+/g) ?? [] };
}

/**
 * What a publication failure means for what to do next. XRPC errors carry the PDS's status and
 * headers; the OAuth client's errors say whether the session is over; anything that never got an
 * answer is the network. Undefined for what is none of these: an error of ours, not of the PDS.
 */
export function classifyPublishError(error: unknown, now: Date): ClassifiedError | undefined {
  if (error instanceof PublishError)
    return { errorClass: error.errorClass, reason: error.reason, ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}) };
  if (error instanceof TokenRevokedError || error instanceof TokenInvalidError || error instanceof TokenRefreshError) {
    return { errorClass: 'session_ended', reason: { code: 'login_ended' } };
  }
  if (error instanceof OAuthResponseError) {
    if (error.status >= 500 || error.status === 429) {
      return {
        errorClass: error.status === 429 ? 'rate_limited' : 'server',
        reason: { code: 'auth_server_error', params: { status: error.status } },
      };
    }
    return { errorClass: 'auth', reason: { code: 'pds_auth_refused', params: { error: String(error.error).slice(0, 100) } } };
  }
  if (error instanceof OAuthResolverError) {
    return { errorClass: 'network', reason: { code: 'pds_unreachable' } };
  }
  if (error instanceof XRPCError) {
    const status = Number(error.status);
    if (status === 429) {
      const retryAfter = retryAfterFrom(error.headers, now);
      return { errorClass: 'rate_limited', reason: { code: 'pds_rate_limited' }, ...(retryAfter ? { retryAfter } : {}) };
    }
    if (status === 401 || status === 403 || ['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthRequired'].includes(error.error)) {
      return { errorClass: 'auth', reason: { code: 'pds_auth_refused', params: { error: String(error.error || status) } } };
    }
    if (missingBlobOf(error)) return { errorClass: 'server', reason: { code: 'blob_missing', params: detailOf(error) } };
    if (status >= 500 || status === 408)
      return { errorClass: 'server', reason: { code: 'pds_server_error', params: { status, ...detailOf(error) } } };
    if (status >= 400)
      return {
        errorClass: 'validation',
        reason: { code: 'pds_rejected', params: { error: String(error.error || status), ...detailOf(error) } },
      };
    if (isNetworkError(error)) return { errorClass: 'network', reason: { code: 'pds_unreachable' } };
    return { errorClass: 'server', reason: { code: 'pds_unreadable', params: detailOf(error) } };
  }
  if (isNetworkError(error)) return { errorClass: 'network', reason: { code: 'pds_unreachable' } };
  // A bug or a broken dependency of ours: the caller lets it crash the attempt (redelivery, then the DLQ).
  return undefined;
}
