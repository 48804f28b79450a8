/** Why a safe fetch was refused or cut short. Stable: callers map them to reasons for users. */
export type SafeFetchErrorCode =
  | 'invalid_url'
  | 'blocked_protocol'
  | 'blocked_port'
  | 'blocked_address'
  | 'too_many_redirects'
  | 'body_too_large'
  | 'unsupported_content_type'
  | 'timeout';

/**
 * A `TypeError`, as WHATWG `fetch` rejects with for network failures, so libraries that treat
 * `TypeError` as "could not reach the server" (the atproto OAuth client does) keep working.
 */
export class SafeFetchError extends TypeError {
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'SafeFetchError';
  }
}

/** The SafeFetchError in an error's cause chain (undici wraps connector errors in `fetch failed`). */
export function findSafeFetchError(error: unknown): SafeFetchError | undefined {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof SafeFetchError) return current;
  }
  return undefined;
}
