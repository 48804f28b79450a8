import type { ErrorIssue } from '@chronopost/shared-schemas';

/**
 * The one error model of every service. `status` is the HTTP status, `code` a stable identifier
 * clients may branch on, and only errors with `expose` (status < 500) show their message.
 */
export class AppError extends Error {
  readonly expose: boolean;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { issues?: ErrorIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.expose = status < 500;
    this.issues = options.issues;
    this.headers = options.headers;
  }
  readonly issues: ErrorIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;
}

export class BadRequestError extends AppError {
  constructor(message: string, code = 'bad_request') {
    super(400, code, message);
  }
}

/** The request broke one or more rules; `issues` says where and why. */
export class ValidationError extends AppError {
  constructor(issues: ErrorIssue[], message = 'The request is not valid.') {
    super(400, 'validation_failed', message, { issues });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required.', code = 'unauthorized') {
    super(401, code, message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You may not do this.', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', code = 'not_found') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable.', code = 'unavailable') {
    super(503, code, message);
  }
}

/**
 * A queue message that cannot be handled yet but will be (its post is held by another worker):
 * the record fails so the queue delivers it again later; logged as routine, not as an error.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}
