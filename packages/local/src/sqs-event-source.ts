import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@chronopost/lambda-kit';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './aws-local';
import { invoke, type LambdaFunction } from './lambda-context';

export type SqsLambda = LambdaFunction<SQSEvent, SQSBatchResponse | void>;

/** Turns a received SQS message into the record Lambda's event source mapping delivers. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const system = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
    };
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? String(Date.now()),
      SenderId: system.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(system.AWSTraceHeader ? { AWSTraceHeader: system.AWSTraceHeader } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * Which records of a batch succeeded, by Lambda's rules for `ReportBatchItemFailures`: a thrown
 * error fails all; so does a failure naming a message that is not in the batch (or none at all).
 */
export function succeededRecords(records: SQSRecord[], outcome: { response?: SQSBatchResponse | void; error?: unknown }): SQSRecord[] {
  if (outcome.error !== undefined) return [];
  const failures = outcome.response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  if (failures.some((failure) => !failure.itemIdentifier || !ids.has(failure.itemIdentifier))) return [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId));
}

/**
 * One receive as the event source mapping does it. local-aws-sqs answers a long poll only once it
 * has the whole batch asked for (or the wait is over), where SQS answers as soon as a message is
 * there. So: long-poll for one message, which wakes as soon as one arrives and costs nothing while
 * the queue is idle, then take whatever else is there right now to fill the batch.
 */
export async function receiveBatch(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  waitSeconds: number;
  signal?: AbortSignal;
}): Promise<SQSRecord[]> {
  const receive = (max: number, waitSeconds: number) =>
    options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
  const messages: Message[] = (await receive(1, options.waitSeconds)).Messages ?? [];
  if (messages.length > 0 && options.batchSize > 1) messages.push(...((await receive(options.batchSize - 1, 0)).Messages ?? []));
  return messages.map((message) => toSqsRecord(message, options.queueArn));
}

/**
 * Invokes the function with one batch, with its timeout, and deletes the records that succeeded
 * (by the rules of `ReportBatchItemFailures`); failed ones reappear after the visibility timeout.
 */
export async function deliverBatch(
  options: { sqs: SQSClient; queueUrl: string; functionName: string; handler: SqsLambda; timeoutMs: number; logger: Logger },
  records: SQSRecord[],
): Promise<{ succeeded: SQSRecord[]; response?: SQSBatchResponse | void; error?: unknown }> {
  let outcome: { response?: SQSBatchResponse | void; error?: unknown };
  try {
    outcome = { response: await invoke(options.functionName, options.handler, { Records: records }, options.timeoutMs) };
  } catch (error) {
    options.logger.error('publisher invocation failed; the whole batch returns to the queue', { error, messages: records.length });
    outcome = { error };
  }
  const succeeded = succeededRecords(records, outcome);
  if (succeeded.length > 0) {
    // Deleting must not be cut short by shutdown, or finished work would be delivered again.
    const deleted = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: succeeded.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    if (deleted.Failed?.length) options.logger.warn('some processed messages could not be deleted', { failed: deleted.Failed.length });
  }
  return { succeeded, ...outcome };
}

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  handler: SqsLambda;
  batchSize: number;
  /** Receives at once (Lambda's pollers, five to begin with). */
  pollers: number;
  /**
   * Invocations at once, at most (the mapping's `maximum_concurrency`). A poller hands each batch
   * to an invocation and receives again; at the limit it waits for an invocation to end first.
   */
  maxConcurrency: number;
  timeoutMs: number;
  /**
   * How long one receive waits for a message. Short, because the stand-in keeps serving a receive
   * whose client has gone (a stopped source's last poll can still take one message), but any length
   * costs nothing while idle: the receive answers as soon as a message arrives.
   */
  longPollSeconds?: number;
  logger: Logger;
}

export interface EventSource {
  stop(): Promise<void>;
}

/**
 * A stand-in for Lambda's SQS event source mapping: long-polls the queue, invokes the function with
 * batches, deletes the records that succeeded and leaves failed ones to reappear after the
 * visibility timeout (and, past maxReceiveCount, to move to the DLQ by the queue's redrive policy).
 *
 * A poller does not wait for its batch's invocation: a publisher holds its message until the
 * post's second (~4 s), and when messages become visible a few at a time each poller's batch may
 * hold one, so pollers that waited would run out with messages still in the queue (with 40 of
 * them, some posts of a hundred due in one second were received after it: `pnpm bench lateness`).
 * What bounds the invocations is `maxConcurrency`, as on AWS; each waiting receive also costs the
 * stand-in CPU (it looks for visible messages every 10 ms), so a few pollers serve many invocations.
 */
export function startSqsEventSource(options: EventSourceOptions): EventSource {
  const { sqs, queueUrl, queueArn, functionName, handler, logger } = options;
  const abort = new AbortController();
  const invocations = new Set<Promise<void>>();
  let reserved = 0;
  const waitingForSlot: Array<() => void> = [];
  const release = () => {
    reserved -= 1;
    waitingForSlot.shift()?.();
  };
  /** Resolves once an invocation may start (false once the source is stopping). */
  const reserve = async (): Promise<boolean> => {
    while (reserved >= options.maxConcurrency && !abort.signal.aborted) await new Promise<void>((resolve) => waitingForSlot.push(resolve));
    if (abort.signal.aborted) return false;
    reserved += 1;
    return true;
  };
  abort.signal.addEventListener('abort', () => waitingForSlot.splice(0).forEach((wake) => wake()), { once: true });

  const poll = async () => {
    let backoffMs = 0;
    while (!abort.signal.aborted) {
      if (backoffMs > 0) {
        try {
          await sleep(backoffMs, undefined, { signal: abort.signal });
        } catch {
          return;
        }
      }
      if (!(await reserve())) return;
      let records: SQSRecord[];
      try {
        records = await receiveBatch({
          sqs,
          queueUrl,
          queueArn,
          batchSize: options.batchSize,
          waitSeconds: options.longPollSeconds ?? 5,
          signal: abort.signal,
        });
      } catch (error) {
        release();
        if (abort.signal.aborted) return;
        logger.warn('receiving from the publish queue failed; retrying', { error });
        backoffMs = Math.min(Math.max(backoffMs * 2, 250), 10_000);
        continue;
      }
      backoffMs = 0;
      if (records.length === 0) {
        release();
        continue;
      }
      const invocation = deliverBatch({ sqs, queueUrl, functionName, handler, timeoutMs: options.timeoutMs, logger }, records)
        .then(() => undefined)
        // Only the delete can fail here: the messages come back after the visibility timeout.
        .catch((error: unknown) => logger.error('deleting processed messages failed; they will be delivered again', { error }))
        .finally(() => {
          invocations.delete(invocation);
          release();
        });
      invocations.add(invocation);
    }
  };

  const pollers = Array.from({ length: options.pollers }, () => poll());
  return {
    stop: async () => {
      abort.abort();
      await Promise.allSettled(pollers);
      // Work already handed to the function finishes (and its messages are deleted).
      await Promise.allSettled([...invocations]);
    },
  };
}
