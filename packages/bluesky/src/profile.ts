import { Agent } from '@atproto/api';
import type { OAuthSession } from '@atproto/oauth-client-node';

export interface Profile {
  displayName: string | null;
  avatarUrl: string | null;
}

/**
 * The account's display name and avatar, read from its own repository (the profile record), so
 * it works with any PDS and no AppView. Best effort: a profile-less account gets nulls.
 */
export async function fetchOwnProfile(session: OAuthSession, pdsUrl: string): Promise<Profile> {
  try {
    const agent = new Agent(session);
    const { data } = await agent.com.atproto.repo.getRecord({ repo: session.did, collection: 'app.bsky.actor.profile', rkey: 'self' });
    const value = data.value as { displayName?: unknown; avatar?: { ref?: { toString(): string } } };
    const avatarCid = value.avatar?.ref?.toString();
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
