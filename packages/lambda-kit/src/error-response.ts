import type { ErrorResponse } from '@chronopost/shared-schemas';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { AppError } from './errors';
import type { Logger } from './logger';
import { toIssues } from './validation';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

/** Errors from libraries that carry an HTTP status (middy's createError, for instance). */
const isHttpLike = (error: unknown): error is Error & { statusCode: number; expose?: boolean } =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/**
 * The single mapper from any thrown value to the shared error shape. Client mistakes keep their
 * message; everything else becomes a generic 500 whose details go only to the log.
 */
export function errorToResponse(error: unknown, logger: Logger, requestId?: string): APIGatewayProxyStructuredResultV2 {
  let status = 500;
  let body: ErrorResponse['error'] = {
    code: 'internal_error',
    message: 'Something went wrong on our side. It has been logged; please try again.',
  };
  let headers: Record<string, string> = {};

  if (error instanceof AppError && error.expose) {
    status = error.status;
    body = { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
    headers = error.headers ?? {};
  } else if (error instanceof z.ZodError) {
    status = 400;
    body = { code: 'validation_failed', message: 'The request is not valid.', issues: toIssues(error) };
  } else if (isHttpLike(error) && error.statusCode < 500 && error.expose !== false) {
    status = error.statusCode;
    body = { code: CODES_BY_STATUS[status] ?? 'bad_request', message: error.message };
  } else if (error instanceof AppError) {
    status = error.status;
    body = { code: error.code, message: body.message };
  }

  if (status >= 500) logger.error('request failed', { error });
  else logger.info('request rejected', { status, code: body.code });

  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ error: { ...body, ...(requestId ? { requestId } : {}) } } satisfies ErrorResponse),
  };
}
