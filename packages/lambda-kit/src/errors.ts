import { type IssueInput, renderMessage } from '@chronopost/shared-schemas';

export interface AppErrorOptions {
  /** The params of `code` in the message catalogue. */
  params?: Record<string, unknown>;
  /** Where the problem is: each names a field (or `body`, `query`, a header, a cookie) and its code. */
  issues?: IssueInput[];
  headers?: Record<string, string>;
  cause?: unknown;
  /** Overrides the catalogue's English sentence (tests, and messages made elsewhere). */
  message?: string;
}

/**
 * The one error model of every service. `status` is the HTTP status, `code` a stable identifier of
 * the message catalogue (shared-schemas/messages) with its `params`; the English sentence is rendered
 * from the catalogue, and only errors with `expose` (status < 500) show it.
 */
export class AppError extends Error {
  readonly expose: boolean;
  readonly params: Record<string, unknown>;
  readonly issues: IssueInput[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    options: AppErrorOptions = {},
  ) {
    super(options.message ?? renderMessage({ code, params: options.params ?? {} }), { cause: options.cause });
    this.name = new.target.name;
    this.expose = status < 500;
    this.params = options.params ?? {};
    this.issues = options.issues;
    this.headers = options.headers;
  }
}

/** A whole-request problem at `path` (`body`, a header, a cookie): code and params from the catalogue. */
export class BadRequestError extends AppError {
  constructor(code = 'bad_request', options: AppErrorOptions & { path?: string } = {}) {
    super(400, code, { ...options, issues: options.issues ?? [{ path: options.path ?? 'body', code, params: options.params ?? {} }] });
  }
}

/** The request broke one or more rules; `issues` says where and why. */
export class ValidationError extends AppError {
  constructor(issues: IssueInput[]) {
    super(400, 'validation_failed', { issues });
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthorized', options: AppErrorOptions & { path?: string } = {}) {
    super(401, code, {
      ...options,
      headers: { 'www-authenticate': 'Bearer', ...options.headers },
      issues: options.issues ?? [{ path: options.path ?? 'authorization', code }],
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', options: AppErrorOptions & { path?: string } = {}) {
    super(403, code, { ...options, issues: options.issues ?? [{ path: options.path ?? 'request', code }] });
  }
}

export class NotFoundError extends AppError {
  constructor(code = 'not_found', options: AppErrorOptions & { path?: string } = {}) {
    super(404, code, { ...options, issues: options.issues ?? [{ path: options.path ?? 'path', code, params: options.params ?? {} }] });
  }
}

/** The resource is not in a state that allows this; `params` says which state it is in. */
export class ConflictError extends AppError {
  constructor(code = 'conflict', options: AppErrorOptions & { path?: string } = {}) {
    super(409, code, { ...options, issues: options.issues ?? [{ path: options.path ?? 'request', code, params: options.params ?? {} }] });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number, options: AppErrorOptions & { path?: string } = {}) {
    super(429, 'rate_limited', {
      ...options,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      issues: [{ path: options.path ?? 'request', code: 'rate_limited' }],
    });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code = 'unavailable', options: AppErrorOptions = {}) {
    super(503, code, options);
  }
}

/**
 * A queue message that cannot be handled yet but will be (its post is held by another worker):
 * the record fails so the queue delivers it again later; logged as routine, not as an error.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}
