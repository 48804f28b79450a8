import { resolveTxt } from 'node:dns/promises';
import { AtprotoHandleResolver } from '@atproto-labs/handle-resolver';
import { createIdentityResolver as createAtprotoIdentityResolver, type IdentityResolver } from '@atproto-labs/identity-resolver';
import pMap from 'p-map';

export type { IdentityResolver };

/** Mentions of one request resolved at once, and at most this many different handles per request. */
export const MENTION_CONCURRENCY = 8;
export const MAX_MENTIONS_RESOLVED = 50;

/**
 * A handle's `_atproto` TXT records, each one's chunks joined; null when the name has none (the
 * resolver then tries HTTPS). Other DNS failures are also null: the well-known route may work.
 */
async function txtRecords(hostname: string): Promise<string[] | null> {
  try {
    return (await resolveTxt(hostname)).map((chunks) => chunks.join(''));
  } catch (error) {
    if (error instanceof TypeError) throw error;
    return null;
  }
}

/** A DID fits in 2 KB: a well-known answer larger than this is not one (the Node resolver's bound too). */
const WELL_KNOWN_MAX_BYTES = 10 * 1024;

/**
 * The handle resolver of the atproto libraries, on our SSRF-safe fetch (given) and Node's DNS.
 * The `-node` variant would wrap fetch in its own safe fetch built on undici, a second HTTP client
 * in every bundle; ours already refuses private addresses, so only its time and size bounds remain.
 */
function handleResolverOn(fetch: typeof globalThis.fetch) {
  const bounded: typeof globalThis.fetch = async (input, init) => {
    const response = await fetch(input, {
      ...init,
      signal: AbortSignal.any([AbortSignal.timeout(3_000), ...(init?.signal ? [init.signal] : [])]),
    });
    if (Number(response.headers.get('content-length')) > WELL_KNOWN_MAX_BYTES) {
      await response.body?.cancel();
      throw new TypeError('The handle answer is larger than a DID can be.');
    }
    return response;
  };
  return new AtprotoHandleResolver({ fetch: bounded, resolveTxt: txtRecords });
}

/**
 * The one identity resolver: handles through DNS and HTTPS well-known (or the configured XRPC
 * service), DIDs through the PLC directory and did:web, each verified both ways. The API (mention
 * warnings) and the publisher (mention facets, quoted posts, through the OAuth client) use the same,
 * so what the API warns about is what publication will do.
 */
export function createIdentityResolver(options: {
  handleResolver?: string | undefined;
  plcUrl?: string | undefined;
  allowHttp: boolean;
  /**
   * Required, never defaulted: resolving a handle or a DID fetches addresses that users choose
   * (well-known handles, did:web), so it must be the SSRF-safe fetch (`createAtprotoFetch`).
   */
  fetch: typeof globalThis.fetch;
}): IdentityResolver {
  // Also for callers the types do not reach: the libraries below would default to the global fetch.
  if (typeof options.fetch !== 'function') throw new TypeError('createIdentityResolver needs the SSRF-safe fetch');
  return createAtprotoIdentityResolver({
    handleResolver: options.handleResolver ?? handleResolverOn(options.fetch),
    ...(options.plcUrl ? { plcDirectoryUrl: options.plcUrl } : {}),
    allowHttp: options.allowHttp,
    fetch: options.fetch,
  });
}

/**
 * Handles to DIDs, verified both ways. Each handle is resolved once (case-insensitively), a few at
 * a time, and at most `max` of them (a post or thread with hundreds of mentions cannot make us send
 * hundreds of requests); a handle that does not resolve in time is left out, and its mention stays
 * plain text, as in the Bluesky app. `skipped` lists the handles beyond `max`.
 */
export async function resolveMentions(
  resolver: IdentityResolver,
  handles: string[],
  options: { timeoutMs?: number; max?: number } = {},
): Promise<Map<string, string> & { skipped?: string[] }> {
  const unique = [...new Set(handles.map((handle) => handle.toLowerCase()))];
  const max = options.max ?? MAX_MENTIONS_RESOLVED;
  const resolved = await pMap(
    unique.slice(0, max),
    async (handle) => {
      try {
        const info = await resolver.resolve(handle, { signal: AbortSignal.timeout(options.timeoutMs ?? 3_000) });
        return [handle, info.did] as const;
      } catch {
        return [handle, undefined] as const;
      }
    },
    { concurrency: MENTION_CONCURRENCY },
  );
  const found: Map<string, string> & { skipped?: string[] } = new Map();
  for (const [handle, did] of resolved) if (did) found.set(handle, did);
  if (unique.length > max) found.skipped = unique.slice(max);
  return found;
}
