import { apiBaseUrl } from '../config';
import { ApiError, errorFromResponse } from './errors';

/** Supplies the access token; `renew` is called once after a 401 (the token may have just expired). */
export interface TokenSource {
  current(): Promise<string | undefined>;
  renew(): Promise<string | undefined>;
}

let tokens: TokenSource | undefined;
/** The auth module plugs itself in here (it also calls the API, so it cannot be imported by it). */
export const useTokenSource = (source: TokenSource) => {
  tokens = source;
};

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the app access token (every route but login, refresh and logout). */
  auth?: boolean;
  /** Send cookies: only the login and app-session routes use them (`/oauth/login`, `/auth/*`). */
  cookies?: boolean;
  signal?: AbortSignal;
  /** Let the request finish even if the page goes away (navigation, reload, closed tab). */
  keepalive?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

let base: string | undefined;
export const apiUrl = (path: string) => `${(base ??= apiBaseUrl())}${path}`;

async function send(path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(apiUrl(path), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: options.cookies ? 'include' : 'omit',
      signal: options.signal ?? null,
      keepalive: options.keepalive ?? false,
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', (error as Error).message);
  }
}

/**
 * One call to the API. Answers with a 2xx status resolve (JSON decoded, `undefined` for an empty
 * body); anything else rejects with an `ApiError`. A 401 on an authenticated call renews the token
 * once and repeats the call.
 */
export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const auth = options.auth ?? true;
  let token = auth ? await tokens?.current() : undefined;
  let response = await send(path, options, token);
  if (response.status === 401 && auth && tokens) {
    token = await tokens.renew();
    if (token) response = await send(path, options, token);
  }
  const text = await response.text();
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  // 304: the caller sent If-None-Match and already holds this version (polling); no body.
  if (response.status === 304) return { status: 304, data: undefined as T, headers: response.headers };
  if (!response.ok) throw errorFromResponse(response.status, body, response.headers.get('retry-after'));
  return { status: response.status, data: body as T, headers: response.headers };
}
