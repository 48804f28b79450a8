import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError } from '../src/errors';
import { createSqsHandler } from '../src/events';
import { createHttpHandler, json, parseJsonBody } from '../src/http';
import { createLogger } from '../src/logger';

const logger = createLogger('test', 'SILENT');
const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as Context;

const httpEvent = (method: string, path: string, body?: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: {
    accountId: '0',
    apiId: 'test',
    domainName: 'localhost',
    domainPrefix: 'localhost',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    requestId: 'request-1',
    routeKey: `${method} ${path}`,
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
  ...(body !== undefined ? { body } : {}),
  isBase64Encoded: false,
});

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
      { method: 'GET', path: '/conflict', handler: async () => Promise.reject(new ConflictError('Busy.')) },
      { method: 'GET', path: '/crash', handler: async () => Promise.reject(new TypeError('x is undefined')) },
    ],
  });

  it('routes by method and path with parameters', async () => {
    const response = await handler(httpEvent('GET', '/things/abc'), context);
    expect(response).toMatchObject({ statusCode: 200, body: JSON.stringify({ id: 'abc' }) });
  });

  it('answers a validation failure with the field and reason', async () => {
    const response = await handler(httpEvent('POST', '/echo', JSON.stringify({ name: '' })), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).error.issues[0]).toMatchObject({ path: 'name', code: 'too_small' });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const response = await handler(httpEvent('POST', '/echo', '{"name":'), context);
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

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:0:q',
  awsRegion: 'us-east-1',
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
    const event: SQSEvent = { Records: [record('a', 'ok'), record('b', 'bad'), record('c', 'ok')] };
    const response = await handler(event, context);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it('reports every record when all fail, instead of throwing', async () => {
    const handler = createSqsHandler({ logger, processRecord: async () => Promise.reject(new Error('down')) });
    const response = await handler({ Records: [record('a', 'x'), record('b', 'y')] }, context);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['a', 'b']);
  });
});
