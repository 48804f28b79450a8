import { type ErrorIssue, type ErrorResponse, type IssueInput, renderMessage } from '@chronopost/shared-schemas';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
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

/** An issue as sent: its English sentence rendered from the catalogue unless it came with one. */
const renderIssue = (issue: IssueInput): ErrorIssue => ({
  path: issue.path || 'request',
  code: issue.code,
  ...(issue.params && Object.keys(issue.params).length ? { params: issue.params } : {}),
  message: issue.message ?? renderMessage({ code: issue.code, params: issue.params ?? {} }),
});

/**
 * The single mapper from any thrown value to the shared error shape: `code` and `params` from the
 * message catalogue, the English `message`, and for every client error the `issues` naming where.
 * Everything else becomes a generic 500 whose details go only to the log.
 */
export function errorToResponse(error: unknown, logger: Logger, requestId?: string): APIGatewayProxyStructuredResultV2 {
  let status = 500;
  let body: ErrorResponse['error'] = { code: 'internal_error', message: renderMessage({ code: 'internal_error' }) };
  let headers: Record<string, string> = {};
  if (error instanceof AppError && error.expose) {
    status = error.status;
    body = {
      code: error.code,
      ...(Object.keys(error.params).length ? { params: error.params } : {}),
      message: error.message,
      ...(error.issues ? { issues: error.issues.map(renderIssue) } : {}),
    };
    headers = error.headers ?? {};
  } else if (error instanceof z.ZodError) {
    status = 400;
    body = { code: 'validation_failed', message: renderMessage({ code: 'validation_failed' }), issues: toIssues(error) };
  } else if (isHttpLike(error) && error.statusCode < 500 && error.expose !== false) {
    status = error.statusCode;
    const code = CODES_BY_STATUS[status] ?? 'bad_request';
    body = { code, message: error.message, issues: [{ path: 'request', code, message: error.message }] };
  } else if (error instanceof AppError) {
    status = error.status;
    body = { code: error.code, message: renderMessage({ code: 'internal_error' }) };
  }
  if (status >= 500) logger.error('request failed', { error });
  else logger.info('request rejected', { status, code: body.code });
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ error: { ...body, ...(requestId ? { requestId } : {}) } } satisfies ErrorResponse),
  };
}
