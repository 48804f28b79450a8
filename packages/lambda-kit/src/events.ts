import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, S3Event, S3EventRecord, ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RetryLaterError } from './errors';
import type { Logger } from './logger';

/**
 * An SQS consumer that reports partial batch failures: a failed record goes back to the queue (and,
 * past maxReceiveCount, to the DLQ) while the others are deleted. One bad message never fails a batch.
 * Records of a batch run in parallel; the batch size bounds the concurrency.
 */
export function createSqsHandler(options: { logger: Logger; processRecord: (record: SQSRecord, context: Context) => Promise<void> }) {
  const { logger, processRecord } = options;
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const response = await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            await processRecord(record, context);
          } catch (error) {
            if (error instanceof RetryLaterError)
              logger.info('message deferred; it returns to the queue', { messageId: record.messageId, reason: error.message });
            else logger.error('message failed; it returns to the queue', { messageId: record.messageId, error });
            throw error;
          }
        },
        processor,
        { context, processInParallel: true, throwOnFullBatchFailure: false },
      );
      return response;
    });
}

/** An EventBridge-scheduled function (the dispatcher tick, the token refresher). */
export function createScheduledHandler<T>(options: { logger: Logger; run: (event: ScheduledEvent, context: Context) => Promise<T> }) {
  const { logger, run } = options;
  return middy<ScheduledEvent, T>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request: middy.Request<ScheduledEvent, T>) => {
        logger.appendKeys({ correlationId: request.event.id });
      },
    })
    .handler((event, context) => run(event, context));
}

/**
 * An S3 notification consumer. Records are processed in order; if one fails the invocation fails,
 * and Lambda's asynchronous retries (then its on-failure destination) take over.
 */
export function createS3Handler(options: { logger: Logger; processRecord: (record: S3EventRecord, context: Context) => Promise<void> }) {
  const { logger, processRecord } = options;
  return middy<S3Event, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      for (const record of event.Records) await processRecord(record, context);
    });
}
