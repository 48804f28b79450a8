import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { PUBLISH_VISIBILITY_TIMEOUT_SECONDS } from '@chronopost/core';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function';

/** Receives before a message moves to the dead-letter queue (the local runtime uses the same). */
export const MAX_RECEIVE_COUNT = 5;
export const PUBLISH_BATCH_SIZE = 10;
/** Publisher instances the queue may drive at once (SQS mappings start at 2 and scale up). */
export const PUBLISH_MAX_CONCURRENCY = 20;

/**
 * The publish queue, its dead-letter queue and the publisher's event source mapping (on the
 * `live` alias, batches of 10, partial batch responses).
 */
export class PublishQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetters: SqsQueue;
  readonly mapping: LambdaEventSourceMapping;

  constructor(
    scope: Construct,
    id: string,
    props: { prefix: string; publisher: ServiceFunction<'publisher'>; publisherTimeoutSeconds: number },
  ) {
    super(scope, id);
    this.deadLetters = new SqsQueue(this, 'dlq', {
      name: `${props.prefix}-publish-dlq`,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: `${props.prefix}-publish`,
      // A redelivered message must find a dead publisher's lease run out (timeout + lease margin);
      // how late that makes a post is worked out beside the number (core dispatch-policy.ts).
      visibilityTimeoutSeconds: PUBLISH_VISIBILITY_TIMEOUT_SECONDS,
      messageRetentionSeconds: 4 * 24 * 3600,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetters.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    });
    this.mapping = new LambdaEventSourceMapping(this, 'mapping', {
      eventSourceArn: this.queue.arn,
      functionName: props.publisher.alias.arn,
      batchSize: PUBLISH_BATCH_SIZE,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: PUBLISH_MAX_CONCURRENCY },
    });
    // What the event source mapping does with the publisher's role.
    props.publisher.grant({
      Sid: 'ConsumePublishQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: [this.queue.arn],
    });
  }
}
