import { createSafeFetch, findSafeFetchError } from '@chronopost/safe-fetch';
import type { PreparingFetch } from './held-request';

/**
 * The fetch for every request to servers a user names (their PDS and authorization server, DID
 * documents, handle well-knowns): SSRF-safe (public unicast addresses only, checked on the address
 * connected to and after every redirect), except the origins configured for a local PDS.
 */
export function createAtprotoFetch(identity: { privateOrigins: readonly string[] }): PreparingFetch {
  const { fetch, prepare } = createSafeFetch({
    allowPrivateOrigins: identity.privateOrigins,
    // Every request to a PDS gives up after this (a network failure then, retried later).
    timeoutMs: 15_000,
    // Repository diffs (when a record was written) and XRPC answers; uploads are requests, not answers.
    maxBodyBytes: 20_000_000,
  });
  // `prepare` too: the publisher makes its write ahead and sends it at the second (`holdRequest`).
  return Object.assign(fetch, { prepare });
}

/** Whether an error (anywhere in its causes) is the safe fetcher refusing where a request would have gone. */
export const isRefusedDestination = (error: unknown): boolean => {
  const refused = findSafeFetchError(error);
  return refused !== undefined && ['blocked_address', 'blocked_port', 'blocked_protocol', 'invalid_url'].includes(refused.code);
};

/** Connection failures that say a server did not answer, not that a name does not exist (DNS answers are left out). */
const UNANSWERED = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Whether an error (anywhere in its causes) is a server that did not answer: our fetcher's
 * timeout, an aborted request, or a refused, reset or timed-out connection. Such a failure says
 * nothing about what was asked for (a handle, a DID), so callers must not report it as missing.
 */
export function isUnanswered(error: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (current: unknown, depth: number): boolean => {
    if (!current || typeof current !== 'object' || depth > 8 || seen.has(current)) return false;
    seen.add(current);
    if (findSafeFetchError(current)?.code === 'timeout') return true;
    const { name, code, cause, errors } = current as { name?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (typeof code === 'string' && UNANSWERED.has(code)) return true;
    // Node tries each address of a name in turn and reports them all at once (AggregateError).
    if (Array.isArray(errors) && errors.some((inner) => walk(inner, depth + 1))) return true;
    return walk(cause, depth + 1);
  };
  return walk(error, 0);
}
