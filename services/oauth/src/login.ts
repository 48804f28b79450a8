import { createHash, randomBytes } from 'node:crypto';
import { OAuthCallbackError, OAuthResolverError } from '@atproto/oauth-client';
import { fetchOwnProfile, isRefusedDestination, isUnanswered, normalizePdsUrl, OAUTH_SCOPE } from '@chronopost/bluesky';
import { issueRefreshToken, resumeBlockedPosts, upsertAccount } from '@chronopost/db';
import { AppError, ForbiddenError, TooManyRequestsError, ValidationError } from '@chronopost/lambda-kit';
import type { LoginErrorCode, LoginRequest } from '@chronopost/shared-schemas';
import * as z from 'zod';
import type { OauthContext } from './context';
import { resolveReturnUrl } from './return-url';

/** What we keep with the library's state for the callback: who may finish, and where to go. */
const appStateSchema = z.object({ binding: z.string(), returnTo: z.url() });

const STATE_KEY = /^[A-Za-z0-9_~.-]{1,256}$/;

const bindingOf = (loginId: string) => createHash('sha256').update(loginId).digest('base64url');

/**
 * Starts a login: rate-limited per client IP, return URL checked against the web origin, then
 * PAR + PKCE + DPoP by the OAuth client. The returned `loginId` goes into a cookie; only the
 * browser holding it can complete this login.
 */
export async function startLogin(
  ctx: OauthContext,
  request: LoginRequest,
  clientIp: string,
): Promise<{ authorizationUrl: URL; loginId: string }> {
  const returnTo = resolveReturnUrl(request.returnTo, ctx.config.webOrigin);
  if (!returnTo) {
    throw new ValidationError([{ path: 'returnTo', code: 'invalid_return_url', params: { origin: ctx.config.webOrigin } }]);
  }
  const limit = await ctx.rateLimiter.hit(clientIp);
  if (!limit.allowed) throw new TooManyRequestsError(limit.retryAfterSeconds, { path: 'identifier' });

  const loginId = randomBytes(32).toString('base64url');
  const client = await ctx.oauthClient();
  try {
    const authorizationUrl = await client.authorize(request.identifier, {
      scope: OAUTH_SCOPE,
      state: JSON.stringify({ binding: bindingOf(loginId), returnTo: returnTo.href }),
    });
    return { authorizationUrl, loginId };
  } catch (error) {
    // An address that is not a public server (loopback, private, link-local): refused before any
    // connection, and the user's mistake, not our outage.
    if (isRefusedDestination(error)) {
      ctx.logger.info('login identifier refused: not a public server');
      throw new ValidationError([{ path: 'identifier', code: 'identifier_not_public' }]);
    }
    // A server on the way (the handle's, the PDS, the PLC directory) that did not answer in time or
    // refused the connection is an outage, not an identifier that does not exist: "not found" would
    // send the user to check a spelling that is right. (Seen under load: a slow local PDS made a
    // freshly created handle "not found".)
    if (isUnanswered(error)) {
      ctx.logger.warn('login identifier could not be resolved: a server did not answer', { reason: (error as Error).message });
      throw new AppError(502, 'authorization_server_unavailable', { cause: error });
    }
    if (error instanceof OAuthResolverError || (error instanceof TypeError && /resolve|handle|did/i.test(error.message))) {
      ctx.logger.info('login identifier did not resolve', { reason: error.message });
      throw new ValidationError([{ path: 'identifier', code: 'not_found', params: { identifier: request.identifier.slice(0, 300) } }]);
    }
    throw new AppError(502, 'authorization_server_unavailable', { cause: error });
  }
}

export type LoginOutcome =
  | { ok: true; redirect: URL; did: string; refreshToken: string; refreshExpiresAt: Date }
  | { ok: false; redirect: URL; error: LoginErrorCode };

const failed = (base: URL, error: LoginErrorCode): LoginOutcome => {
  const redirect = new URL(base);
  redirect.searchParams.set('login_error', error);
  return { ok: false, redirect, error };
};

/**
 * Finishes a login from the authorization server's redirect. The browser must hold the login
 * cookie set by `startLogin` (checked before the code is exchanged, so a forged callback never
 * creates a session). Then: tokens stored encrypted, account upserted, app session issued.
 */
export async function completeLogin(ctx: OauthContext, query: URLSearchParams, loginId: string | undefined): Promise<LoginOutcome> {
  const home = new URL('/', ctx.config.webOrigin);
  const stateKey = query.get('state');
  // The library's state keys are short random tokens; anything else is refused before the lookup
  // (DynamoDB refuses keys over 2,048 bytes, and a probe must not make us ask).
  if (!stateKey || !STATE_KEY.test(stateKey)) return failed(home, 'invalid_request');
  const stored = await ctx.stateStore.get(stateKey);
  if (!stored) return failed(home, 'expired');
  const appState = appStateSchema.safeParse(JSON.parse(stored.appState ?? 'null'));
  if (!appState.success) return failed(home, 'invalid_request');
  const back = new URL(appState.data.returnTo);

  if (!loginId || bindingOf(loginId) !== appState.data.binding) {
    await ctx.stateStore.del(stateKey);
    ctx.logger.warn('login callback from a browser that did not start it');
    return failed(back, 'wrong_browser');
  }

  const client = await ctx.oauthClient();
  let session;
  try {
    ({ session } = await client.callback(query));
  } catch (error) {
    if (error instanceof OAuthCallbackError && error.params.get('error') === 'access_denied') return failed(back, 'access_denied');
    ctx.logger.error('login callback failed', { error });
    return failed(back, 'server_error');
  }

  const pdsUrl = normalizePdsUrl((await session.getTokenInfo(false)).aud);
  const identity = await client.identityResolver.resolve(session.did).catch(() => undefined);
  const profile = await fetchOwnProfile(session, pdsUrl);
  await upsertAccount(ctx.db, { did: session.did, handle: identity?.handle ?? 'handle.invalid', pdsUrl, ...profile });
  // A new session: posts held while there was none go back to the schedule.
  const { resumed, missed } = await resumeBlockedPosts(ctx.db, session.did, ctx.now());
  const refresh = await issueRefreshToken(ctx.db, session.did, ctx.config.appTokens.refreshTtlMs);
  ctx.logger.info('login completed', { did: session.did, resumedPosts: resumed.length, missedPosts: missed.length });
  const redirect = new URL(back);
  redirect.searchParams.set('login', 'ok');
  return { ok: true, redirect, did: session.did, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt };
}

/** Requests that carry cookies must come from our own web app (or from no browser at all). */
export function assertAllowedOrigin(ctx: OauthContext, origin: string | undefined): void {
  if (origin === undefined) return;
  const allowed = new Set([ctx.config.webOrigin, new URL(ctx.config.oauthClient.publicUrl).origin]);
  if (!allowed.has(origin)) throw new ForbiddenError('cross_origin_request', { path: 'Origin' });
}
