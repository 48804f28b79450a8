import type { Server } from 'node:http';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localClientOptions } from './aws-local';

export interface LocalSqs {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts `local-aws-sqs`: SQS's JSON and query protocols over HTTP, DLQ redrive, delays, visibility. */
export async function startLocalSqs(options: { host: string; port: number }): Promise<LocalSqs> {
  const server: Server = await createSqsServer({
    port: options.port,
    hostname: options.host,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    // Tests create and delete many queues; AWS's 60-second wait before re-creating a name is noise here.
    emulateQueueCreationLifecycle: false,
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    endpoint: `http://${options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface PublishQueues {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/**
 * Creates the publish queue and its dead-letter queue with a redrive policy, as terraform does in
 * AWS. Idempotent: CreateQueue with the same attributes returns the existing queue.
 */
export async function createPublishQueues(
  sqs: SQSClient,
  options: { name: string; deadLetterName: string; maxReceiveCount: number; visibilityTimeoutSeconds: number },
): Promise<PublishQueues> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: options.deadLetterName, Attributes: { MessageRetentionPeriod: '1209600' } }),
  );
  const deadLetterQueueUrl = dlq.QueueUrl!;
  const deadLetterQueueArn = await queueArn(sqs, deadLetterQueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl!;
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return attributes.Attributes!.QueueArn!;
}

export const createLocalSqsClient = (endpoint: string) => new SQSClient(localClientOptions(endpoint));
