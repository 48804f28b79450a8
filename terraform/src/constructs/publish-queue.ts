import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { EARLY_DELIVERY_MS, PUBLISH_VISIBILITY_TIMEOUT_SECONDS } from '@chronopost/core';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function';

/** Receives before a message moves to the dead-letter queue (the local runtime uses the same). */
export const MAX_RECEIVE_COUNT = 5;
export const PUBLISH_BATCH_SIZE = 10;

/** The burst the publisher must carry on the second: 100,000 posts due within one minute (`pnpm bench burst`). */
export const BURST_POSTS_PER_MINUTE = 100_000;
/**
 * How long a publisher holds a plain post's message: it arrives `EARLY_DELIVERY_MS` + ~0.5 s before
 * the second (whole-second delays), waits for it, and writes and records within ~1 s (the write
 * answered in 76 ms at p50 and 3.8 s at p99 with 100 posts in one second on a loaded 2-core
 * machine, `pnpm bench lateness`; a 25-post thread's write in 0.8–2.1 s, `pnpm bench publish`).
 */
export const PUBLICATION_HOLD_MS = EARLY_DELIVERY_MS + 500 + 1_000;
/**
 * Invocations the burst keeps busy (Little's law): posts per second × seconds each message is held,
 * ten messages to an invocation: 1,667/s × 5.5 s ≈ 9,200 messages in flight ≈ 917 invocations.
 */
export const BURST_PUBLISH_CONCURRENCY = Math.ceil(((BURST_POSTS_PER_MINUTE / 60) * (PUBLICATION_HOLD_MS / 1000)) / PUBLISH_BATCH_SIZE);
/** An SQS event source mapping's `maximum_concurrency` ranges from 2 to 1,000. */
export const MAPPING_MAX_CONCURRENCY = 1_000;
/**
 * Publisher invocations the queue may drive at once, in production: the burst's need (917) rounded
 * up to the mapping's ceiling, ~9 % headroom because batches are not full when messages become
 * visible a few at a time (terraform tests hold it between the two).
 * The account's Lambda concurrency (1,000 for all functions by default) must be raised above this
 * plus the other functions' peak before it is applied (docs/architecture.md, "The top-of-the-hour
 * burst"); the Terraform variable `publish_max_concurrency` sets it lower for an account that has
 * not been raised.
 */
export const PUBLISH_MAX_CONCURRENCY = MAPPING_MAX_CONCURRENCY;
/** A preview stack shares the account and carries no burst: a few instances. */
export const PREVIEW_PUBLISH_MAX_CONCURRENCY = 10;

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
    props: {
      prefix: string;
      publisher: ServiceFunction<'publisher'>;
      publisherTimeoutSeconds: number;
      /** The mapping's `maximum_concurrency` (a number or a Terraform variable's token). */
      maxConcurrency: number;
    },
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
      scalingConfig: { maximumConcurrency: props.maxConcurrency },
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
