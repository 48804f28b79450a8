import { lambdaContext } from '@chronopost/local';
import { httpEvent, sqsRecord } from '@chronopost/testing';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConflictError } from '../src/errors';
import { createSqsHandler } from '../src/events';
import { createHttpHandler, json, parseJsonBody } from '../src/http';
import { createLogger } from '../src/logger';

const logger = createLogger('test', 'SILENT');
const context = lambdaContext('test', 5_000);

describe('createHttpHandler', () => {
  const handler = createHttpHandler({
    logger,
    routes: [
      {
        method: 'POST',
        path: '/echo',
        handler: async (event) => json(201, parseJsonBody(event, z.object({ name: z.string().min(1) }))),
      },
      { method: 'GET', path: '/things/{id}', handler: async (event) => json(200, { id: event.pathParameters?.id }) },
      { method: 'GET', path: '/conflict', handler: async () => Promise.reject(new ConflictError()) },
      { method: 'GET', path: '/crash', handler: async () => Promise.reject(new TypeError('x is undefined')) },
    ],
  });

  it('routes by method and path with parameters', async () => {
    const response = await handler(httpEvent('GET', '/things/abc'), context);
    expect(response).toMatchObject({ statusCode: 200, body: JSON.stringify({ id: 'abc' }) });
  });

  it('answers a validation failure with the field and reason', async () => {
    const response = await handler(httpEvent('POST', '/echo', { body: JSON.stringify({ name: '' }) }), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).error.issues[0]).toMatchObject({ path: 'name', code: 'too_small' });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const response = await handler(httpEvent('POST', '/echo', { body: '{"name":' }), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).error.code).toBe('invalid_json');
  });

  it('answers an unknown route with 404 in the shared shape', async () => {
    const response = await handler(httpEvent('GET', '/nowhere'), context);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body!).error).toMatchObject({ code: 'route_not_found', requestId: 'request-1' });
  });

  it('maps domain errors and hides crashes', async () => {
    expect((await handler(httpEvent('GET', '/conflict'), context)).statusCode).toBe(409);
    const crash = await handler(httpEvent('GET', '/crash'), context);
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('undefined');
  });
});

describe('createSqsHandler', () => {
  it('reports only the records that failed', async () => {
    const seen: string[] = [];
    const handler = createSqsHandler({
      logger,
      processRecord: async (r) => {
        seen.push(r.messageId);
        if (r.body === 'bad') throw new Error('cannot process');
      },
    });
    const event: SQSEvent = { Records: [sqsRecord('a', 'ok'), sqsRecord('b', 'bad'), sqsRecord('c', 'ok')] };
    const response = await handler(event, context);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it('reports every record when all fail, instead of throwing', async () => {
    const handler = createSqsHandler({ logger, processRecord: async () => Promise.reject(new Error('down')) });
    const response = await handler({ Records: [sqsRecord('a', 'x'), sqsRecord('b', 'y')] }, context);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['a', 'b']);
  });
});
