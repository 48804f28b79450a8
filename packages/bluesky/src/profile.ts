import { getRecord } from './publish';
import type { PdsSession } from './xrpc';

export interface Profile {
  displayName: string | null;
  avatarUrl: string | null;
}

/**
 * The account's display name and avatar, read from its own repository (the profile record), so
 * it works with any PDS and no AppView. Best effort: a profile-less account gets nulls.
 */
export async function fetchOwnProfile(session: PdsSession, pdsUrl: string): Promise<Profile> {
  try {
    const found = await getRecord(
      (url, init) => session.fetchHandler(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url, init),
      pdsUrl,
      {
        repo: session.did,
        collection: 'app.bsky.actor.profile',
        rkey: 'self',
      },
    );
    const value = (found?.value ?? {}) as { displayName?: unknown; avatar?: { ref?: { $link?: unknown } } };
    const avatarCid = typeof value.avatar?.ref?.$link === 'string' ? value.avatar.ref.$link : undefined;
    return {
      displayName: typeof value.displayName === 'string' && value.displayName.trim() ? value.displayName.trim() : null,
      avatarUrl: avatarCid
        ? `${normalizePdsUrl(pdsUrl)}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(session.did)}&cid=${encodeURIComponent(avatarCid)}`
        : null,
    };
  } catch {
    return { displayName: null, avatarUrl: null };
  }
}

/** PDS URLs as we store them: no trailing slash (token `aud` values carry one). */
export const normalizePdsUrl = (url: string): string => url.replace(/\/+$/, '');
