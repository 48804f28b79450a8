import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type PublishMessage, publishMessageSchema } from '@chronopost/shared-schemas';

export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  /** Undefined when the body is not a publish message. */
  message: PublishMessage | undefined;
  body: string;
}

/**
 * Takes every message out of the dead-letter queue (up to `max`), hands each to `handle`, and
 * deletes it once handled. What a dead letter means is recorded by `handle` (the post fails with
 * class `crash`, with a log line naming it), so the queue needs to keep nothing.
 */
export async function drainDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  handle: (letter: DeadLetter) => Promise<void>,
  max = 100,
): Promise<number> {
  let drained = 0;
  while (drained < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - drained),
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const handled: Array<{ Id: string; ReceiptHandle: string }> = [];
    for (const [index, message] of messages.entries()) {
      let parsed: PublishMessage | undefined;
      try {
        parsed = publishMessageSchema.parse(JSON.parse(message.Body ?? ''));
      } catch {
        parsed = undefined;
      }
      await handle({
        messageId: message.MessageId ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        message: parsed,
        body: message.Body ?? '',
      });
      handled.push({ Id: String(index), ReceiptHandle: message.ReceiptHandle! });
    }
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: handled }));
    drained += messages.length;
  }
  return drained;
}
