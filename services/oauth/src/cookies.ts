import type { HttpEvent } from '@chronopost/lambda-kit';

export const LOGIN_COOKIE = 'chronopost_login';
export const REFRESH_COOKIE = 'chronopost_refresh';

/** A cookie's value from the API Gateway v2 event (`event.cookies` holds `name=value` pairs). */
export function readCookie(event: HttpEvent, name: string): string | undefined {
  for (const pair of event.cookies ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return decodeURIComponent(pair.slice(separator + 1).trim());
  }
  return undefined;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  sameSite: 'Strict' | 'Lax';
  /** Secure unless the API itself is plain-http loopback (a local run). */
  secure: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export const clearCookie = (name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>) =>
  serializeCookie(name, '', { ...options, maxAgeSeconds: 0 });
