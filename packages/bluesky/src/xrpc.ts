import { XRPCError } from '@atproto/xrpc';

/** What sends authenticated requests to an account's PDS: an OAuth session (DPoP, refresh, nonces are its). */
export interface PdsSession {
  readonly did: string;
  fetchHandler(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * One XRPC procedure on the account's PDS, answered with its JSON. The few calls we make
 * (uploadBlob, applyWrites; for a video getServiceAuth and describeServer, see `xrpcQuery`) go
 * through here rather than `@atproto/api`'s Agent, whose full lexicon set (~600 KB of bundle)
 * every cold start would load for a handful of methods. Errors are the same `XRPCError`s the Agent
 * throws (status, error name, headers), so they classify alike; a request that got no answer
 * rejects as fetch does (a network error).
 */
export async function xrpcProcedure<Output>(
  session: PdsSession,
  nsid: string,
  input: { json: unknown } | { bytes: Uint8Array; encoding: string },
  options: { signal?: AbortSignal } = {},
): Promise<Output> {
  const response = await session.fetchHandler(`/xrpc/${nsid}`, {
    method: 'POST',
    headers: { 'content-type': 'json' in input ? 'application/json' : input.encoding, accept: 'application/json' },
    body: 'json' in input ? JSON.stringify(input.json) : (input.bytes as Uint8Array<ArrayBuffer>),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return xrpcAnswer<Output>(nsid, response);
}

/** One XRPC query on the account's PDS (a GET with its parameters), answered with its JSON. */
export async function xrpcQuery<Output>(session: PdsSession, nsid: string, params: Record<string, string | number> = {}): Promise<Output> {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));
  const search = query.size ? `?${query.toString()}` : '';
  const response = await session.fetchHandler(`/xrpc/${nsid}${search}`, { headers: { accept: 'application/json' } });
  return xrpcAnswer<Output>(nsid, response);
}

/** An XRPC answer's JSON, or the `XRPCError` it stands for (also for services other than the PDS). */
export async function xrpcAnswer<Output>(nsid: string, response: Response): Promise<Output> {
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
  // 2 is the XRPC "invalid response" status: the server answered, but not with JSON.
  if (body === undefined) throw new XRPCError(2, 'InvalidResponse', `${nsid} answered ${response.status} without JSON`, headers);
  return body as Output;
}
