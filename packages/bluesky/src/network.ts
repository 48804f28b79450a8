import { createSafeFetch, findSafeFetchError } from '@chronopost/safe-fetch';

/**
 * The fetch for every request to servers a user names (their PDS and authorization server, DID
 * documents, handle well-knowns): SSRF-safe (public unicast addresses only, checked on the address
 * connected to and after every redirect), except the origins configured for a local PDS.
 */
export function createAtprotoFetch(identity: { privateOrigins: readonly string[] }): typeof globalThis.fetch {
  return createSafeFetch({
    allowPrivateOrigins: identity.privateOrigins,
    // Every request to a PDS gives up after this (a network failure then, retried later).
    timeoutMs: 15_000,
    // Repository diffs (when a record was written) and XRPC answers; uploads are requests, not answers.
    maxBodyBytes: 20_000_000,
  }).fetch;
}

/** Whether an error (anywhere in its causes) is the safe fetcher refusing where a request would have gone. */
export const isRefusedDestination = (error: unknown): boolean => {
  const refused = findSafeFetchError(error);
  return refused !== undefined && ['blocked_address', 'blocked_port', 'blocked_protocol', 'invalid_url'].includes(refused.code);
};
