import { json, parseJsonBody, type Route } from '@chronopost/lambda-kit';
import { type LoginResponse, loginRequestSchema } from '@chronopost/shared-schemas';
import type { OauthContext } from '../context';
import { clearCookie, LOGIN_COOKIE, readCookie, REFRESH_COOKIE, serializeCookie } from '../cookies';
import { completeLogin, startLogin } from '../login';
import { STATE_TTL_SECONDS } from '@chronopost/bluesky';

export const loginRoutes = (ctx: OauthContext): Route[] => {
  const secure = ctx.config.oauthClient.publicUrl.startsWith('https:');
  // Lax: the callback is a top-level navigation coming back from the authorization server.
  const loginCookie = { path: '/oauth/callback', sameSite: 'Lax' as const, secure };
  const refreshCookie = { path: '/auth', sameSite: 'Strict' as const, secure };
  return [
    {
      method: 'POST',
      path: '/oauth/login',
      handler: async (event) => {
        const request = parseJsonBody(event, loginRequestSchema);
        const { authorizationUrl, loginId } = await startLogin(ctx, request, event.requestContext.http.sourceIp);
        return {
          ...json(200, { authorizationUrl: authorizationUrl.href } satisfies LoginResponse),
          cookies: [serializeCookie(LOGIN_COOKIE, loginId, { ...loginCookie, maxAgeSeconds: STATE_TTL_SECONDS })],
        };
      },
    },
    {
      method: 'GET',
      path: '/oauth/callback',
      handler: async (event) => {
        // Never a 500 for a browser: whatever fails, it goes back to the web app with a reason.
        const outcome = await completeLogin(ctx, new URLSearchParams(event.rawQueryString), readCookie(event, LOGIN_COOKIE)).catch(
          (error: unknown) => {
            ctx.logger.error('login callback failed', { error });
            const redirect = new URL('/', ctx.config.webOrigin);
            redirect.searchParams.set('login_error', 'server_error');
            return { ok: false as const, redirect, error: 'server_error' as const };
          },
        );
        const cookies = [clearCookie(LOGIN_COOKIE, loginCookie)];
        if (outcome.ok) {
          const maxAgeSeconds = Math.floor((outcome.refreshExpiresAt.getTime() - Date.now()) / 1000);
          cookies.push(serializeCookie(REFRESH_COOKIE, outcome.refreshToken, { ...refreshCookie, maxAgeSeconds }));
        }
        return { statusCode: 303, headers: { location: outcome.redirect.href, 'cache-control': 'no-store' }, cookies, body: '' };
      },
    },
  ];
};
