import type { HttpEvent } from '@chronopost/lambda-kit';
import { parseCookie, stringifySetCookie } from 'cookie';

export const LOGIN_COOKIE = 'chronopost_login';
export const REFRESH_COOKIE = 'chronopost_refresh';

/**
 * A cookie's value from the API Gateway v2 event (`event.cookies` holds `name=value` pairs), parsed
 * by the `cookie` library: a value with a broken percent-escape is kept as it came (it then simply
 * matches no session) instead of throwing.
 */
export function readCookie(event: HttpEvent, name: string): string | undefined {
  if (!event.cookies?.length) return undefined;
  return parseCookie(event.cookies.join('; '))[name];
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  sameSite: 'Strict' | 'Lax';
  /** Secure unless the API itself is plain-http loopback (a local run). */
  secure: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return stringifySetCookie({
    name,
    value,
    path: options.path,
    maxAge: options.maxAgeSeconds,
    httpOnly: true,
    sameSite: options.sameSite === 'Strict' ? 'strict' : 'lax',
    secure: options.secure,
  });
}

export const clearCookie = (name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>) =>
  serializeCookie(name, '', { ...options, maxAgeSeconds: 0 });
