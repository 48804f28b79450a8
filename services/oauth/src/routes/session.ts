import { deleteOauthSession, holdPostsAfterLogout, peekRefreshToken, revokeRefreshTokensOf, rotateRefreshToken } from '@chronopost/db';
import { errorToResponse, json, type Route, UnauthorizedError } from '@chronopost/lambda-kit';
import type { AccessTokenResponse } from '@chronopost/shared-schemas';
import type { OauthContext } from '../context';
import { clearCookie, readCookie, REFRESH_COOKIE, serializeCookie } from '../cookies';
import { assertAllowedOrigin } from '../login';

/** The app session: access tokens from the rotating refresh cookie, and logout. */
export const sessionRoutes = (ctx: OauthContext): Route[] => {
  const cookie = { path: '/auth', sameSite: 'Strict' as const, secure: ctx.config.oauthClient.publicUrl.startsWith('https:') };
  const cleared = () => [clearCookie(REFRESH_COOKIE, cookie)];
  const rejected = (code: string) => {
    const error = new UnauthorizedError(code, { path: REFRESH_COOKIE });
    return { error, cookies: cleared() };
  };
  return [
    {
      method: 'POST',
      path: '/auth/refresh',
      handler: async (event) => {
        assertAllowedOrigin(ctx, event.headers.origin);
        const token = readCookie(event, REFRESH_COOKIE);
        if (!token) throw new UnauthorizedError('not_logged_in', { path: REFRESH_COOKIE });
        const result = await rotateRefreshToken(ctx.db, token, ctx.config.appTokens.refreshTtlMs);
        if (result.outcome !== 'rotated') {
          if (result.outcome === 'reused') {
            // A spent token came back: someone holds a copy. End every session of this family.
            ctx.logger.warn('refresh token reused; family revoked', { did: result.did, familyId: result.familyId });
          }
          const { error, cookies } = rejected(result.outcome === 'reused' ? 'refresh_token_reused' : 'invalid_refresh_token');
          return { ...errorToResponse(error, ctx.logger, event.requestContext?.requestId), cookies };
        }
        const access = await (await ctx.signer()).sign(result.did, ctx.now());
        const body: AccessTokenResponse = {
          accessToken: access.token,
          tokenType: 'Bearer',
          expiresAt: access.expiresAt.toISOString(),
          did: result.did,
        };
        const maxAgeSeconds = Math.floor((result.expiresAt.getTime() - Date.now()) / 1000);
        return { ...json(200, body), cookies: [serializeCookie(REFRESH_COOKIE, result.token, { ...cookie, maxAgeSeconds })] };
      },
    },
    {
      method: 'POST',
      path: '/auth/logout',
      handler: async (event) => {
        assertAllowedOrigin(ctx, event.headers.origin);
        const token = readCookie(event, REFRESH_COOKIE);
        const owner = token ? await peekRefreshToken(ctx.db, token) : undefined;
        if (owner) {
          await revokeRefreshTokensOf(ctx.db, owner.did);
          try {
            // Revoke at the authorization server when it still answers; logging out must not depend on it.
            await (await ctx.oauthClient()).revoke(owner.did);
          } catch (error) {
            ctx.logger.warn('revoking the OAuth session at the server failed', { did: owner.did, error });
          }
          await deleteOauthSession(ctx.db, owner.did);
          const held = await holdPostsAfterLogout(ctx.db, owner.did, ctx.now());
          ctx.logger.info('logged out', { did: owner.did, heldPosts: held.length });
        }
        return { statusCode: 204, headers: { 'cache-control': 'no-store' }, cookies: cleared(), body: '' };
      },
    },
  ];
};
