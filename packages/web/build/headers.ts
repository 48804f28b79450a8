/**
 * The response headers of the web app, the same from Cloudflare Pages (`_headers`, written by the
 * build) and from the local server. Scripts and styles come only from the app itself; the API
 * (and, locally, the stand-ins it hands out addresses of) is what the page may call.
 */
export interface WebHeaderOptions {
  /** Origins the page calls besides https ones: the API's when it is plain http (local runs), local S3, a local PDS. */
  connect?: string[];
}

export function webSecurityHeaders(options: WebHeaderOptions = {}): Record<string, string> {
  const extra = [...new Set((options.connect ?? []).filter(Boolean).map((url) => new URL(url).origin))];
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Any https: users' servers (handles, avatars), presigned media; plus the local origins above.
    `connect-src 'self' https: ${extra.join(' ')}`.trim(),
    `img-src 'self' data: blob: https: ${extra.join(' ')}`.trim(),
    // A video being composed plays from its presigned address (and its captions from the picked files).
    `media-src 'self' blob: https: ${extra.join(' ')}`.trim(),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** Hashed file names never change content: cache them for a year; everything else is revalidated. */
export const IMMUTABLE_PREFIX = '/assets/';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Cloudflare Pages' `_headers` file for the same headers. */
export function pagesHeadersFile(options: WebHeaderOptions = {}): string {
  const lines = ['/*', ...Object.entries(webSecurityHeaders(options)).map(([name, value]) => `  ${name}: ${value}`)];
  lines.push(`${IMMUTABLE_PREFIX}*`, `  cache-control: ${IMMUTABLE_CACHE}`);
  return `${lines.join('\n')}\n`;
}
