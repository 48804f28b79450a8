import { RichText } from '@atproto/api';

/** A link, mention or hashtag by UTF-8 byte range; a mention holds the handle until publication. */
export interface DetectedFacet {
  byteStart: number;
  byteEnd: number;
  type: 'mention' | 'link' | 'tag';
  value: string;
}

/**
 * Finds links, mentions and hashtags the way the Bluesky app does (`@atproto/api` RichText), with
 * byte offsets into the UTF-8 text, so they stay exact whatever emoji or scripts precede them.
 */
export function detectFacets(text: string): DetectedFacet[] {
  const rich = new RichText({ text });
  rich.detectFacetsWithoutResolution();
  const found: DetectedFacet[] = [];
  for (const facet of rich.facets ?? []) {
    const { byteStart, byteEnd } = facet.index;
    for (const feature of facet.features) {
      const type = feature.$type;
      if (type === 'app.bsky.richtext.facet#mention')
        found.push({ byteStart, byteEnd, type: 'mention', value: (feature as { did: string }).did });
      else if (type === 'app.bsky.richtext.facet#link')
        found.push({ byteStart, byteEnd, type: 'link', value: (feature as { uri: string }).uri });
      else if (type === 'app.bsky.richtext.facet#tag')
        found.push({ byteStart, byteEnd, type: 'tag', value: (feature as { tag: string }).tag });
    }
  }
  return found.sort((a, b) => a.byteStart - b.byteStart);
}

/**
 * Resolves handles to DIDs through a PDS (`com.atproto.identity.resolveHandle`, which any PDS
 * answers for any handle). A handle that does not resolve in time maps to undefined.
 */
export async function resolveHandles(
  pdsUrl: string,
  handles: string[],
  options: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<Map<string, string | undefined>> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const unique = [...new Set(handles.map((handle) => handle.toLowerCase()))];
  const results = await Promise.all(
    unique.map(async (handle) => {
      try {
        const url = new URL('/xrpc/com.atproto.identity.resolveHandle', pdsUrl);
        url.searchParams.set('handle', handle);
        const response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) });
        if (!response.ok) return [handle, undefined] as const;
        const { did } = (await response.json()) as { did?: unknown };
        return [handle, typeof did === 'string' && did.startsWith('did:') ? did : undefined] as const;
      } catch {
        return [handle, undefined] as const;
      }
    }),
  );
  return new Map(results);
}
