import { signal } from '@preact/signals';
import type { AccessTokenResponse, LoginResponse, MeResponse } from '@chronopost/shared-schemas';
import { api, useTokenSource } from '../api/client';
import { ApiError } from '../api/errors';

/**
 * The app session. The access token lives only in this module's memory (never in storage a script
 * could read back); the HttpOnly refresh cookie, sent to `POST /auth/refresh`, brings a new one
 * before it expires, after a reload, and after a 401.
 */
export type AuthState =
  | { status: 'starting' }
  /** `ended`: the server refused the refresh cookie (`invalid_refresh_token`, `refresh_token_reused`, …). */
  | { status: 'signed-out'; ended?: string }
  | { status: 'signed-in'; did: string };

export const auth = signal<AuthState>({ status: 'starting' });
/** The signed-in account, its Bluesky session and its notifications (`GET /me`). */
export const me = signal<MeResponse | undefined>(undefined);

/** Renew a minute before the token expires (tokens live 15 minutes), or at ¾ of a shorter life. */
const RENEW_AHEAD_MS = 60_000;
const renewAt = (expiresAt: number) => expiresAt - Math.min(RENEW_AHEAD_MS, (expiresAt - Date.now()) / 4);
const RETRY_MS = [5_000, 15_000, 60_000];

let token: { value: string; expiresAt: number } | undefined;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<string | undefined> | undefined;
let failures = 0;

/**
 * Refresh cookies are single-use: two tabs presenting the same one at once would look like a
 * stolen cookie and end the session. The Web Locks API makes refreshes take turns across tabs;
 * each one then sends the cookie the previous one received.
 */
async function acrossTabs<T>(run: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request('chronopost-auth-refresh', run) : run();
}

function schedule(at: number) {
  clearTimeout(renewTimer);
  renewTimer = setTimeout(() => void renew(), Math.max(0, at - Date.now()));
}

/** Tells the other tabs of this browser that the session is over (they hold their own access tokens). */
const tabs = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('chronopost-auth');
tabs?.addEventListener('message', (event: MessageEvent) => {
  if (event.data === 'signed-out' && auth.value.status === 'signed-in') signedOut();
});

function signedOut(ended?: string) {
  token = undefined;
  clearTimeout(renewTimer);
  me.value = undefined;
  auth.value = ended ? { status: 'signed-out', ended } : { status: 'signed-out' };
}

/** A new access token from the refresh cookie; undefined when there is no session (any more). */
export function renew(): Promise<string | undefined> {
  inFlight ??= acrossTabs(async () => {
    try {
      // keepalive: a reload while this is in flight must not lose the rotated cookie the answer sets,
      // or the next refresh would present the spent one and the server would end the session.
      const { data } = await api<AccessTokenResponse>('/auth/refresh', { method: 'POST', auth: false, cookies: true, keepalive: true });
      const expiresAt = Date.parse(data.expiresAt);
      token = { value: data.accessToken, expiresAt };
      failures = 0;
      schedule(renewAt(expiresAt));
      if (auth.value.status !== 'signed-in' || auth.value.did !== data.did) auth.value = { status: 'signed-in', did: data.did };
      return data.accessToken;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        // `not_logged_in` is simply no session; anything else ended one the user had.
        signedOut(auth.value.status === 'signed-in' || error.code !== 'not_logged_in' ? error.code : undefined);
        return undefined;
      }
      // The API is unreachable or failing: keep what we have and try again soon.
      schedule(Date.now() + RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!);
      if (auth.value.status === 'starting') auth.value = { status: 'signed-out' };
      throw error;
    }
  }).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

useTokenSource({
  current: async () => {
    if (token && token.expiresAt - Date.now() > 5_000) return token.value;
    return auth.value.status === 'signed-in' ? renew().catch(() => undefined) : undefined;
  },
  renew: () => renew().catch(() => undefined),
});

/** Timers sleep in background tabs: coming back to one, renew at once if the token is (nearly) over. */
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && token && token.expiresAt - Date.now() < RENEW_AHEAD_MS) void renew().catch(() => {});
  });
}

/** At start-up: is there a session? Then who is it. */
export async function restoreSession(): Promise<void> {
  try {
    await renew();
  } catch {
    // Unreachable API: the screen says so; the retry timer keeps trying.
  }
  if (auth.value.status === 'signed-in') await loadMe();
}

export async function loadMe(): Promise<MeResponse | undefined> {
  try {
    me.value = (await api<MeResponse>('/me')).data;
  } catch {
    // Shown where it is needed; the session itself is still fine.
  }
  return me.value;
}

/**
 * Starts the AT Protocol OAuth login: the API answers the PDS's authorization page (and sets the
 * login cookie that only this browser holds); the PDS sends the browser back to `returnTo`.
 */
export async function startSignIn(identifier: string, returnTo: string): Promise<void> {
  const { data } = await api<LoginResponse>('/oauth/login', {
    method: 'POST',
    body: { identifier, returnTo },
    auth: false,
    cookies: true,
  });
  window.location.assign(data.authorizationUrl);
}

/** Ends the session everywhere (the server revokes the Bluesky session and holds waiting posts). */
export async function signOut(): Promise<void> {
  await acrossTabs(() => api('/auth/logout', { method: 'POST', auth: false, cookies: true }));
  signedOut();
  tabs?.postMessage('signed-out');
}
