import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from './errors';
import { errorToResponse } from './error-response';
import { createLogger } from './logger';

const logger = createLogger('test', 'SILENT');
const body = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('errorToResponse', () => {
  it('keeps a client error with its code and issues', () => {
    const response = errorToResponse(
      new ValidationError([{ path: 'items.0.text', code: 'too_big', message: 'Too long.' }]),
      logger,
      'req-1',
    );
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({
      error: {
        code: 'validation_failed',
        message: 'The request is not valid.',
        issues: [{ path: 'items.0.text', code: 'too_big', message: 'Too long.' }],
        requestId: 'req-1',
      },
    });
  });

  it('maps zod errors to 400 with dotted paths', () => {
    const parsed = z.object({ items: z.array(z.object({ text: z.string() })) }).safeParse({ items: [{ text: 1 }] });
    const response = errorToResponse(parsed.error, logger);
    expect(response.statusCode).toBe(400);
    expect(body(response).error.issues[0].path).toBe('items.0.text');
  });

  it('hides the details of unexpected errors', () => {
    const error = vi.spyOn(logger, 'error');
    const response = errorToResponse(new Error('connection to 10.0.0.3 refused, password=hunter2'), logger);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('10.0.0.3');
    expect(body(response).error.code).toBe('internal_error');
    expect(error).toHaveBeenCalledOnce();
  });

  it('carries headers such as retry-after', () => {
    const response = errorToResponse(new TooManyRequestsError(12.2), logger);
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['retry-after']).toBe('13');
  });

  it.each([
    [new NotFoundError(), 404, 'not_found'],
    [new ConflictError('version_conflict', { params: { version: 3 } }), 409, 'version_conflict'],
  ])('maps %s', (error, status, code) => {
    const response = errorToResponse(error, logger);
    expect(response.statusCode).toBe(status);
    expect(body(response).error.code).toBe(code);
  });
});
