import { clientKindOf, type RefreshReason, refreshReason, sessionEndsBefore } from '@chronopost/core';
import {
  countSessionBlockedPosts,
  describeOauthSession,
  listSessionsWithPendingPosts,
  notify,
  type RefreshCandidate,
} from '@chronopost/db';
import pMap from 'p-map';
import type { TokenRefresherContext } from './context';

/** Sessions read per query, and at most this many refreshed per run (the rest next run). */
const PAGE = 200;
const MAX_REFRESHES_PER_RUN = 1_000;
/** Refreshes in flight at once: each holds the lock of one account for a round trip or two. */
export const REFRESH_CONCURRENCY = 4;

export interface RefreshSummary {
  /** Live sessions of accounts with posts waiting. */
  sessions: number;
  refreshed: number;
  /** Refresh refused for good: the session ended and its posts were blocked. */
  ended: number;
  /** Posts held by those ended sessions. */
  blockedPosts: number;
  /** Could not reach the authorization server (network, 5xx): next run tries again. */
  failed: number;
  /** Users told their public-client session ends before their last scheduled post. */
  warned: number;
}

export interface SweepResult {
  at: string;
  refresh: RefreshSummary;
}

/** One refresher run: renew what scheduled posts will need. (Retention is its own service, daily.) */
export async function sweep(ctx: TokenRefresherContext): Promise<SweepResult> {
  const now = ctx.now();
  const refresh = await refreshSessions(ctx, now);
  ctx.logger.info('token refresher run', { ...refresh });
  return { at: now.toISOString(), refresh };
}

/** Renews, under the shared lock, every session a scheduled post will soon need (see `refreshReason`). */
export async function refreshSessions(ctx: TokenRefresherContext, now: Date): Promise<RefreshSummary> {
  const summary: RefreshSummary = { sessions: 0, refreshed: 0, ended: 0, blockedPosts: 0, failed: 0, warned: 0 };
  const due: Array<{ candidate: RefreshCandidate; reason: RefreshReason }> = [];
  for (let afterDid: string | undefined; due.length < MAX_REFRESHES_PER_RUN;) {
    const page = await listSessionsWithPendingPosts(ctx.db, { limit: PAGE, ...(afterDid ? { afterDid } : {}) });
    summary.sessions += page.length;
    for (const candidate of page) {
      const clientKind = clientKindOf(candidate.clientId);
      const reason = refreshReason({ ...candidate, clientKind, now });
      if (reason) due.push({ candidate, reason });
      const endsAt = sessionEndsBefore({ clientKind, createdAt: candidate.createdAt, lastDueAt: candidate.lastDueAt });
      if (endsAt && (await warnSessionEnds(ctx, candidate, endsAt))) summary.warned += 1;
    }
    if (page.length < PAGE) break;
    afterDid = page.at(-1)!.did;
  }

  const client = due.length ? await ctx.oauthClient() : undefined;
  await pMap(
    due,
    async (next) => {
      const { did } = next.candidate;
      try {
        // `true`: refresh now, whatever the token's age; under the lock, as every refresh is.
        await client!.restore(did, true);
        summary.refreshed += 1;
        ctx.logger.info('session refreshed', { did, reason: next.reason });
      } catch (error) {
        const state = (await describeOauthSession(ctx.db, did))?.state;
        if (state === 'expired' || state === 'revoked') {
          // The OAuth client has ended it, blocked its posts and told the user (onSessionDeleted).
          summary.ended += 1;
          summary.blockedPosts += await countSessionBlockedPosts(ctx.db, did);
        } else {
          summary.failed += 1;
          ctx.logger.warn('session refresh failed; next run tries again', {
            did,
            error: (error as Error).name,
            // Not `message`: Powertools' own key for the log line's text, it would drop ours.
            reason: (error as Error).message,
          });
        }
      }
    },
    { concurrency: REFRESH_CONCURRENCY },
  );
  return summary;
}

async function warnSessionEnds(ctx: TokenRefresherContext, candidate: RefreshCandidate, endsAt: Date): Promise<boolean> {
  return notify(ctx.db, {
    ownerDid: candidate.did,
    kind: 'session_ends_soon',
    details: { endsAt: endsAt.toISOString() },
    dedupeKey: `session_ends_soon:${candidate.createdAt.toISOString()}`,
  });
}
