import {
  FetchRequestError,
  OAuthResolverError,
  OAuthResponseError,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-node';
import { XRPCError } from '@atproto/xrpc';
import type { PublishErrorClass } from '@chronopost/core';

/** A failure we understand, raised by our own checks (a quoted post that is gone, a missing image). */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly errorClass: PublishErrorClass,
    message: string,
    readonly retryAfter?: Date,
  ) {
    super(message);
  }
}

export interface ClassifiedError {
  errorClass: PublishErrorClass;
  /** For the user: what went wrong, in words, with no token or key material. */
  message: string;
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

const statusText = (status: number) =>
  status === 429 ? 'too many requests' : status >= 500 ? `a server error (${status})` : `error ${status}`;

/**
 * What a publication failure means for what to do next. XRPC errors carry the PDS's status and
 * headers; the OAuth client's errors say whether the session is over; anything that never got an
 * answer is the network. Undefined for what is none of these: an error of ours, not of the PDS.
 */
export function classifyPublishError(error: unknown, now: Date): ClassifiedError | undefined {
  if (error instanceof PublishError)
    return { errorClass: error.errorClass, message: error.message, ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}) };
  if (error instanceof TokenRevokedError || error instanceof TokenInvalidError || error instanceof TokenRefreshError) {
    return {
      errorClass: 'session_ended',
      message: 'Your Bluesky login has ended (it expired or was revoked). Log in again to publish this post.',
    };
  }
  if (error instanceof OAuthResponseError) {
    if (error.status >= 500 || error.status === 429) {
      return {
        errorClass: error.status === 429 ? 'rate_limited' : 'server',
        message: `Your Bluesky server's login service answered with ${statusText(error.status)}.`,
      };
    }
    return { errorClass: 'auth', message: `Your Bluesky server refused our login (${error.error}). Log in again to publish this post.` };
  }
  if (error instanceof OAuthResolverError) {
    return { errorClass: 'network', message: 'Your Bluesky server could not be reached.' };
  }
  if (error instanceof XRPCError) {
    const status = Number(error.status);
    const detail = error.message && error.message !== error.error ? `: ${error.message}` : '';
    if (status === 429) {
      const retryAfter = retryAfterFrom(error.headers, now);
      return {
        errorClass: 'rate_limited',
        message: 'Your Bluesky server is rate-limiting this account.',
        ...(retryAfter ? { retryAfter } : {}),
      };
    }
    if (status === 401 || status === 403 || ['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthRequired'].includes(error.error)) {
      return {
        errorClass: 'auth',
        message: `Your Bluesky server refused our login (${error.error || status}). Log in again to publish this post.`,
      };
    }
    if (status >= 500 || status === 408)
      return { errorClass: 'server', message: `Your Bluesky server answered with ${statusText(status)}${detail}.` };
    if (status >= 400)
      return { errorClass: 'validation', message: `Your Bluesky server did not accept the post (${error.error || status})${detail}.` };
    if (isNetworkError(error)) return { errorClass: 'network', message: 'Your Bluesky server could not be reached.' };
    return { errorClass: 'server', message: `Your Bluesky server gave an answer we could not read${detail}.` };
  }
  if (isNetworkError(error)) return { errorClass: 'network', message: 'Your Bluesky server could not be reached.' };
  // A bug or a broken dependency of ours: the caller lets it crash the attempt (redelivery, then the DLQ).
  return undefined;
}
