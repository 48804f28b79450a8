import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { accounts, posts, publishAttempts } from '@chronopost/db';
import { publishMessageSchema } from '@chronopost/shared-schemas';
import { createTestDatabase, type TestDatabase, testSqsClient, uniqueName } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublishQueues, recoverAfterRestart } from '../src';

const OWNER = 'did:plc:recoverrecoverrecover';

/** Real PostgreSQL (a database of its own) and the SQS stand-in over HTTP, as the runtime uses them. */
describe('recovery when the local runtime starts again', () => {
  let database: TestDatabase;
  let sqs: SQSClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    sqs = testSqsClient();
    await database.db.insert(accounts).values({ did: OWNER, handle: 'recover.test', pdsUrl: 'http://pds.test' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('sends every queued and publishing post again, each at its own second, and leaves the rest alone', async () => {
    const name = uniqueName('recover');
    const { queueUrl } = await createPublishQueues(sqs, {
      name,
      deadLetterName: `${name}-dlq`,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 30,
    });
    const now = Date.now();
    const soon = new Date(now + 60_000);
    const past = new Date(now - 5_000);
    const [queuedLater, publishing, scheduled] = (
      await database.db
        .insert(posts)
        .values([
          // Queued by the dead run for a second still to come: its message went with that run's queue.
          { ownerDid: OWNER, status: 'queued', scheduledAt: soon, nextAttemptAt: soon },
          // Being published when the run died: its lease is still "live", but its holder is gone.
          {
            ownerDid: OWNER,
            status: 'publishing',
            scheduledAt: past,
            nextAttemptAt: past,
            attempts: 1,
            leaseExpiresAt: new Date(now + 20_000),
          },
          { ownerDid: OWNER, status: 'scheduled', scheduledAt: soon, nextAttemptAt: soon },
        ])
        .returning({ id: posts.id })
    ).map((row) => row.id);
    await database.db.insert(publishAttempts).values({ postId: publishing!, attempt: 1 });

    const result = await recoverAfterRestart(database.db, { sqs, queueUrl });

    expect(result).toEqual({ requeued: 2, crashed: 0 });
    const rows = (await database.db.$client.query('SELECT id, status, next_attempt_at, lease_expires_at FROM posts')).rows as Array<{
      id: string;
      status: string;
      next_attempt_at: Date;
      lease_expires_at: Date | null;
    }>;
    const row = (id: string) => rows.find((candidate) => candidate.id === id)!;
    // Not published early: still due at its second, its message delayed to just before it.
    expect(row(queuedLater!)).toMatchObject({ status: 'queued', next_attempt_at: soon });
    expect(row(publishing!)).toMatchObject({ status: 'queued', lease_expires_at: null });
    expect(row(scheduled!).status).toBe('scheduled');
    const attempts = (await database.db.$client.query('SELECT outcome FROM publish_attempts WHERE post_id = $1', [publishing])).rows;
    expect(attempts).toEqual([{ outcome: 'abandoned' }]);

    // The overdue one is there now; the other is delayed (SQS counts it as delayed, not visible).
    const { Messages: visible = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(visible.map((message) => publishMessageSchema.parse(JSON.parse(message.Body!)).postId)).toEqual([publishing]);
    const { Attributes: attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }),
    );
    expect(attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
  });
});
