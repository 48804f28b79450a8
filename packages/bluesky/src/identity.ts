import { AtprotoHandleResolverNode } from '@atproto-labs/handle-resolver-node';
import { createIdentityResolver as createAtprotoIdentityResolver, type IdentityResolver } from '@atproto-labs/identity-resolver';
import pMap from 'p-map';

export type { IdentityResolver };

/** Mentions of one request resolved at once, and at most this many different handles per request. */
export const MENTION_CONCURRENCY = 8;
export const MAX_MENTIONS_RESOLVED = 50;

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
  fetch?: typeof globalThis.fetch | undefined;
}): IdentityResolver {
  return createAtprotoIdentityResolver({
    handleResolver: options.handleResolver ?? new AtprotoHandleResolverNode(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.plcUrl ? { plcDirectoryUrl: options.plcUrl } : {}),
    allowHttp: options.allowHttp,
    ...(options.fetch ? { fetch: options.fetch } : {}),
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
