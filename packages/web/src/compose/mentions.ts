/**
 * Whether mentioned handles exist, asked of the user's own PDS (`com.atproto.identity.resolveHandle`,
 * which any PDS answers for any handle, as the API does when the post is saved). A mention that does
 * not resolve is published as plain text, so the composer warns before scheduling.
 */
export type Resolution = 'resolving' | 'found' | 'not_found' | 'unknown';

const cache = new Map<string, Promise<Resolution>>();

export function resolveHandle(pdsUrl: string, handle: string): Promise<Resolution> {
  const key = `${pdsUrl} ${handle.toLowerCase()}`;
  let pending = cache.get(key);
  if (!pending) {
    const url = new URL('/xrpc/com.atproto.identity.resolveHandle', pdsUrl);
    url.searchParams.set('handle', handle.toLowerCase());
    pending = fetch(url, { signal: AbortSignal.timeout(5_000), credentials: 'omit' })
      .then(async (response) => {
        if (response.ok) return ((await response.json()) as { did?: unknown }).did ? 'found' : 'not_found';
        // 400 "Unable to resolve handle" is the PDS's answer for a handle that does not exist.
        return response.status === 400 ? 'not_found' : 'unknown';
      })
      .catch(() => 'unknown' as const);
    cache.set(key, pending);
    // A failure to ask is not remembered: the next keystroke asks again.
    void pending.then((result) => result === 'unknown' && cache.delete(key));
  }
  return pending;
}
