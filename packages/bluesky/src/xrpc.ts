import { XRPCError } from '@atproto/xrpc';

/** What sends authenticated requests to an account's PDS: an OAuth session (DPoP, refresh, nonces are its). */
export interface PdsSession {
  readonly did: string;
  fetchHandler(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * One XRPC procedure on the account's PDS, answered with its JSON. The few calls we make
 * (uploadBlob, applyWrites) go through here rather than `@atproto/api`'s Agent, whose full
 * lexicon set (~600 KB of bundle) every cold start would load for two methods. Errors are the
 * same `XRPCError`s the Agent throws (status, error name, headers), so they classify alike; a
 * request that got no answer rejects as fetch does (a network error).
 */
export async function xrpcProcedure<Output>(
  session: PdsSession,
  nsid: string,
  input: { json: unknown } | { bytes: Uint8Array; encoding: string },
): Promise<Output> {
  const response = await session.fetchHandler(`/xrpc/${nsid}`, {
    method: 'POST',
    headers: { 'content-type': 'json' in input ? 'application/json' : input.encoding, accept: 'application/json' },
    body: 'json' in input ? JSON.stringify(input.json) : (input.bytes as Uint8Array<ArrayBuffer>),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const headers = Object.fromEntries(response.headers);
  if (!response.ok) {
    const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
    throw new XRPCError(
      response.status,
      typeof error === 'string' ? error : undefined,
      typeof message === 'string' ? message : undefined,
      headers,
    );
  }
  // 2 is the XRPC "invalid response" status: the PDS answered, but not with JSON.
  if (body === undefined) throw new XRPCError(2, 'InvalidResponse', `${nsid} answered ${response.status} without JSON`, headers);
  return body as Output;
}
