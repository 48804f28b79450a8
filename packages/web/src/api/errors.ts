import type { ErrorIssue } from '@chronopost/shared-schemas';

/**
 * An API call that did not succeed. `code` is the stable code of our error shape
 * (`{ error: { code, message, issues } }`); API Gateway's own answers (`{ message }`, e.g. a
 * rejected token) and network failures get a code from their status, so screens always branch on
 * `code` and render it in the user's language.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ErrorIssue[] = [],
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
    /** What the catalogue's message for `code` needs (a limit, a status, …). */
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes for answers that carry none of ours: the gateway's own errors and no answer at all. */
export const STATUS_CODES: Record<number, string> = {
  0: 'network_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  429: 'rate_limited',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export const codeForStatus = (status: number) => STATUS_CODES[status] ?? (status >= 500 ? 'server_error' : 'request_failed');

/** Reads any error body the API (or the gateway in front of it) can send. */
export function errorFromResponse(status: number, body: unknown, retryAfter: string | null): ApiError {
  const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body;
    if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
      const { code, message, issues, requestId, params } = error as {
        code: string;
        message?: unknown;
        issues?: unknown;
        requestId?: unknown;
        params?: unknown;
      };
      return new ApiError(
        status,
        code,
        typeof message === 'string' ? message : code,
        Array.isArray(issues) ? (issues as ErrorIssue[]).filter((issue) => typeof issue?.code === 'string') : [],
        typeof requestId === 'string' ? requestId : undefined,
        retryAfterSeconds,
        typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined,
      );
    }
  }
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string';
  return new ApiError(
    status,
    codeForStatus(status),
    message ? (body as { message: string }).message : `HTTP ${status}`,
    [],
    undefined,
    retryAfterSeconds,
  );
}
