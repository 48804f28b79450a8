import type { NodeOAuthClient, OAuthSession, TokenSet } from '@atproto/oauth-client-node';
import { readSessions } from '@chronopost/bluesky';

/** A pinned token set serves until this long before it expires; after that requests read as before. */
const PIN_MARGIN_MS = 60_000;

/** `getTokenSet` is protected in the typings; `fetchHandler` calls it on the instance (0.8.7). */
type TokenSetReader = { getTokenSet(refresh: boolean | 'auto'): Promise<TokenSet> };

/**
 * Reads the session's token set once, now (refreshed if it is about to expire, under the client's
 * lock), and has the session's later requests use it. `OAuthSession.fetchHandler` otherwise reads
 * the session again for every request (the distributed lock, the stored row, the vault, the DPoP
 * key import), the publisher's write included: after the second it is due, before the request
 * leaves (`pnpm bench lateness --cpu-prof`). A token that expires within a minute is not pinned,
 * and a 401 still refreshes through the library (`getTokenSet(true)` always reads); whatever a
 * read answers is pinned in turn, so the requests after a refresh carry the new token rather than
 * meeting the 401 (and a refresh) again. Returns it.
 */
export async function pinTokenSet(session: OAuthSession, now: () => Date = () => new Date()): Promise<TokenSet> {
  const reader = session as unknown as TokenSetReader;
  const read = reader.getTokenSet.bind(session);
  let pinned = await read('auto');
  const expiresAt = (tokenSet: TokenSet) => (tokenSet.expires_at ? Date.parse(tokenSet.expires_at) : Number.POSITIVE_INFINITY);
  reader.getTokenSet = async (refresh) => {
    if (refresh !== true && now().getTime() <= expiresAt(pinned) - PIN_MARGIN_MS) return pinned;
    pinned = await read(refresh);
    return pinned;
  };
  return pinned;
}

/**
 * The author's session, restored and pinned (see `pinTokenSet`), with the distributed refresh lock
 * taken only if its token needs a refresh (see `readSessions`): a publication's one session read.
 */
export function restorePinned(
  client: NodeOAuthClient,
  did: string,
  now: () => Date,
): Promise<{ session: OAuthSession; tokenSet: TokenSet }> {
  return readSessions(async () => {
    const session = await client.restore(did);
    return { session, tokenSet: await pinTokenSet(session, now) };
  });
}
