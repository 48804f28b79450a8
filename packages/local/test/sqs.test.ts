import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { createLogger } from '@chronopost/lambda-kit';
import { testSqsClient, uniqueName } from '@chronopost/testing';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublishQueues, type EventSource, startSqsEventSource } from '../src';

const logger = createLogger('test', 'SILENT');
const sqs = testSqsClient();

const waitFor = async <T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const counts = async (queueUrl: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
};

describe('publish queue through the local event source mapping', () => {
  let source: EventSource | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  const setup = async (
    maxReceiveCount: number,
    handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
    concurrency: { pollers: number; maxConcurrency: number; visibilityTimeoutSeconds?: number } = { pollers: 2, maxConcurrency: 10 },
  ) => {
    const queues = await createPublishQueues(sqs, {
      name: uniqueName('publish'),
      deadLetterName: uniqueName('publish-dlq'),
      maxReceiveCount,
      visibilityTimeoutSeconds: concurrency.visibilityTimeoutSeconds ?? 1,
    });
    source = startSqsEventSource({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      functionName: 'publisher',
      handler: async (event) => handler(event),
      batchSize: 10,
      pollers: concurrency.pollers,
      maxConcurrency: concurrency.maxConcurrency,
      timeoutMs: 5_000,
      longPollSeconds: 1,
      logger,
    });
    return queues;
  };

  it('delivers a message to the handler and deletes it after success', async () => {
    const received: SQSRecord[] = [];
    const queues = await setup(3, async (event) => {
      received.push(...event.Records);
      return { batchItemFailures: [] };
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"hello":"world"}' }));

    const record = await waitFor(() => received[0]);
    expect(record).toMatchObject({ body: '{"hello":"world"}', eventSource: 'aws:sqs', eventSourceARN: queues.queueArn });
    await waitFor(async () => ((await counts(queues.queueUrl)) === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the visibility timeout: no redelivery
    expect(received).toHaveLength(1);
  });

  it('redelivers only the failed records of a batch', async () => {
    const deliveries = new Map<string, number>();
    const queues = await setup(5, async (event) => {
      const failures = [];
      for (const record of event.Records) {
        const seen = (deliveries.get(record.body) ?? 0) + 1;
        deliveries.set(record.body, seen);
        if (record.body === 'flaky' && seen === 1) failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: ['one', 'flaky', 'two'].map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    await waitFor(() => (deliveries.get('flaky') === 2 ? true : undefined));
    await waitFor(async () => ((await counts(queues.queueUrl)) === 0 ? true : undefined));
    expect(Object.fromEntries(deliveries)).toEqual({ one: 1, flaky: 2, two: 1 });
  });

  it('keeps receiving while invocations run, up to maxConcurrency at once', async () => {
    // Each invocation holds its batch until released, as a publisher holds a post until its second.
    const running: Array<{ body: string; release: () => void }> = [];
    const finished: string[] = [];
    const queues = await setup(
      3,
      async (event) => {
        await new Promise<void>((resolve) => running.push({ body: event.Records.map((record) => record.body).join(), release: resolve }));
        finished.push(...event.Records.map((record) => record.body));
        return { batchItemFailures: [] };
      },
      // Held longer than the usual 1 s here: visible again, they would be delivered twice.
      { pollers: 1, maxConcurrency: 3, visibilityTimeoutSeconds: 30 },
    );
    // One at a time, each received alone: one poller, and batches of one.
    for (const body of ['a', 'b', 'c', 'd']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));
      if (body !== 'd') await waitFor(() => (running.some((invocation) => invocation.body === body) ? true : undefined));
    }
    // Three held at once by one poller; the fourth waits for one of them to end.
    expect(running.map((invocation) => invocation.body)).toEqual(['a', 'b', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(running).toHaveLength(3);
    running[0]!.release();
    await waitFor(() => (running.some((invocation) => invocation.body === 'd') ? true : undefined));
    for (const invocation of running.slice(1)) invocation.release();
    await waitFor(() => (finished.length === 4 ? true : undefined));
    await waitFor(async () => ((await counts(queues.queueUrl)) === 0 ? true : undefined));
    expect(finished.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('moves a message that keeps failing to the DLQ after maxReceiveCount, and redrives it back', async () => {
    let attempts = 0;
    const queues = await setup(2, async (event) => {
      attempts += event.Records.length;
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'poison' }));

    await waitFor(async () => ((await counts(queues.deadLetterQueueUrl)) === 1 ? true : undefined));
    expect(attempts).toBe(2);
    expect(await counts(queues.queueUrl)).toBe(0);

    // The redrive an operator runs once the cause is fixed: DLQ → source queue. The stopped source's
    // last long polls linger in the stand-in for up to a second; let them expire first.
    await source?.stop();
    source = undefined;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.deadLetterQueueArn }));
    await waitFor(async () => {
      const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.deadLetterQueueArn }));
      return tasks.Results?.[0]?.Status === 'COMPLETED' ? true : undefined;
    });
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 1 }));
    expect(back.Messages?.map((message) => message.Body)).toEqual(['poison']);
  });
});
