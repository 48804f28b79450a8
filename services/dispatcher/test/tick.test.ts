import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { earlyDeliveryMs, LOOK_AHEAD_MS, MAX_IMAGES_PER_POST, MAX_THREAD_ITEMS } from '@chronopost/core';
import { accounts, createDatabase, listAttempts, postItems, posts, publishAttempts } from '@chronopost/db';
import { createLogger } from '@chronopost/lambda-kit';
import { createPublishQueues, type PublishQueues } from '@chronopost/local';
import { publishMessageSchema } from '@chronopost/shared-schemas';
import { createTestDatabase, type TestDatabase, testSqsClient, uniqueName } from '@chronopost/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_WORKERS, createContext, type DispatcherContext, loadConfig, loadSecrets, redrive, tick } from '../src/app';

const OWNER = 'did:plc:dispatchtest';

/** Receives everything the queue holds now (delayed messages included once their delay is over). */
async function drain(sqs: SQSClient, queueUrl: string) {
  const bodies: string[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (messages.length === 0) return bodies.map((body) => publishMessageSchema.parse(JSON.parse(body)));
    bodies.push(...messages.map((message) => message.Body!));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

describe('dispatcher tick', () => {
  let database: TestDatabase;
  let sqs: SQSClient;
  let queues: PublishQueues;
  const now = new Date('2026-11-22T12:00:00.000Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  const env = (mode: 'lookahead' | 'naive' = 'lookahead') => ({
    DATABASE_URL: database.config.url,
    PUBLISH_QUEUE_URL: queues.queueUrl,
    PUBLISH_DLQ_URL: queues.deadLetterQueueUrl,
    DISPATCH_MODE: mode,
  });
  const context = (overrides: { mode?: 'lookahead' | 'naive'; now?: Date; db?: DispatcherContext['db'] } = {}) =>
    createContext(loadConfig(env(overrides.mode)), loadSecrets(env(overrides.mode)), {
      db: overrides.db ?? database.db,
      sqs,
      logger: createLogger('test', 'SILENT'),
      now: () => overrides.now ?? now,
    });

  const insert = async (rows: Array<Partial<typeof posts.$inferInsert>>) =>
    (
      await database.db
        .insert(posts)
        .values(rows.map((row) => ({ ownerDid: OWNER, status: 'scheduled' as const, scheduledAt: row.nextAttemptAt ?? now, ...row })))
        .returning({ id: posts.id })
    ).map((row) => row.id);
  const statusOf = async (id: string) =>
    (await database.db.$client.query('SELECT status, last_error_class FROM posts WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    sqs = testSqsClient();
    await database.db.insert(accounts).values({ did: OWNER, handle: 'dispatch.test', pdsUrl: 'http://pds.test' });
  });
  beforeEach(async () => {
    await database.db.delete(posts);
    // Fresh queues per test: delayed messages of one test must not surface in the next.
    const name = uniqueName('dispatch');
    queues = await createPublishQueues(sqs, { name, deadLetterName: `${name}-dlq`, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('queues what falls due before the next tick, each message delayed to arrive just before its post', async () => {
    const [overdue, soon, retry, later, laterRetry] = await insert([
      { nextAttemptAt: at(-5) },
      { nextAttemptAt: at(30) },
      { status: 'retrying', nextAttemptAt: at(10), scheduledAt: at(-30), attempts: 1 },
      { nextAttemptAt: at(LOOK_AHEAD_MS / 1000 + 1) },
      { status: 'retrying', nextAttemptAt: at(3600), scheduledAt: at(-30), attempts: 1 },
    ]);
    await insert([
      { status: 'draft', scheduledAt: null, nextAttemptAt: null },
      { status: 'published', nextAttemptAt: null, scheduledAt: at(-60) },
    ]);

    const result = await tick(context());
    expect(result).toMatchObject({ mode: 'lookahead', queued: 3, missed: 0, unsent: 0, requeued: 0 });
    for (const id of [overdue, soon, retry]) expect((await statusOf(id!)).status).toBe('queued');
    for (const id of [later, laterRetry]) expect((await statusOf(id!)).status).not.toBe('queued');

    // The overdue post's message is there at once; the others are delayed (whole seconds, ~4 s early).
    const immediate = await drain(sqs, queues.queueUrl);
    expect(immediate.map((message) => message.postId)).toEqual([overdue]);
    expect(immediate[0]).toMatchObject({ action: 'publish', attempt: 1, scheduledAt: at(-5).toISOString() });
  });

  it('delivers a post with images earlier by their upload time: a thread full of images is prepared before its second', async () => {
    const full = earlyDeliveryMs(MAX_THREAD_ITEMS * MAX_IMAGES_PER_POST);
    const cards = earlyDeliveryMs(MAX_THREAD_ITEMS);
    // Due exactly when their early delivery begins: no delay for them; plain posts due then wait seconds.
    const [thread, plainThen, withCards, plainThenToo] = await insert([
      { nextAttemptAt: new Date(now.getTime() + full) },
      { nextAttemptAt: new Date(now.getTime() + full) },
      { nextAttemptAt: new Date(now.getTime() + cards) },
      { nextAttemptAt: new Date(now.getTime() + cards) },
    ]);
    const image = (n: number) => ({ mediaId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, alt: '' });
    await database.db.insert(postItems).values([
      ...Array.from({ length: MAX_THREAD_ITEMS }, (_, position) => ({
        postId: thread!,
        ownerDid: OWNER,
        position,
        embed: { type: 'images', images: Array.from({ length: MAX_IMAGES_PER_POST }, (__, n) => image(position * 10 + n)) },
      })),
      ...Array.from({ length: MAX_THREAD_ITEMS }, (_, position) => ({
        postId: withCards!,
        ownerDid: OWNER,
        position,
        embed: { type: 'external', uri: `https://example.com/${position}`, thumbMediaId: image(position).mediaId },
      })),
      { postId: plainThen!, ownerDid: OWNER, position: 0, embed: null },
    ]);
    expect(await tick(context())).toMatchObject({ queued: 4 });
    const delivered = (await drain(sqs, queues.queueUrl)).map((message) => message.postId);
    expect(delivered.sort()).toEqual([thread, withCards].sort());
    expect(delivered).not.toContain(plainThen);
    expect(delivered).not.toContain(plainThenToo);
  });

  it('queues only what is already due in naive mode, as a cron-minute scheduler would', async () => {
    const [overdue, soon] = await insert([{ nextAttemptAt: at(-5) }, { nextAttemptAt: at(30) }]);
    expect(await tick(context({ mode: 'naive' }))).toMatchObject({ mode: 'naive', queued: 1 });
    expect((await statusOf(overdue!)).status).toBe('queued');
    expect((await statusOf(soon!)).status).toBe('scheduled');
    expect((await drain(sqs, queues.queueUrl)).map((message) => message.postId)).toEqual([overdue]);
  });

  it('marks posts later than their late policy allows missed, and sends nothing for them', async () => {
    const [stale, anyway] = await insert([
      { nextAttemptAt: at(-1200), latePolicy: 'skip', lateGraceSeconds: 900 },
      { nextAttemptAt: at(-1200), latePolicy: 'publish' },
    ]);
    expect(await tick(context())).toMatchObject({ queued: 1, missed: 1 });
    expect(await statusOf(stale!)).toEqual({ status: 'missed', last_error_class: null });
    expect((await drain(sqs, queues.queueUrl)).map((message) => message.postId)).toEqual([anyway]);
  });

  it('queues every post once when two dispatchers tick at the same moment', async () => {
    const ids = await insert(Array.from({ length: 600 }, (_, index) => ({ nextAttemptAt: at(-(index % 60)) })));
    // Two "Lambda containers": their own connection pools and SQS clients, one database, each
    // running its claim loops (CLAIM_WORKERS) at once: eight claimers race for two pages, each
    // holding its rows while it sends their messages, and skip what another has locked. Which
    // claimer gets a page is up to the race; that no post is lost or sent twice is not.
    const other = createDatabase(database.config, { max: CLAIM_WORKERS + 1, applicationName: 'second-dispatcher' });
    try {
      const [first, second] = await Promise.all([
        tick(context()),
        tick(
          createContext(context().config, loadSecrets(env()), {
            db: other,
            sqs: testSqsClient(),
            logger: createLogger('test', 'SILENT'),
            now: () => now,
          }),
        ),
      ]);
      expect(first.queued + second.queued).toBe(600);
    } finally {
      await other.$client.end();
    }
    const messages = await drain(sqs, queues.queueUrl);
    expect(messages).toHaveLength(600);
    expect(new Set(messages.map((message) => message.postId))).toEqual(new Set(ids));
  });

  it('requeues a post whose message was lost, and fails one whose publishers kept dying', async () => {
    const [lost, dead] = await insert([
      { status: 'queued', nextAttemptAt: at(-180) },
      { status: 'publishing', nextAttemptAt: at(-600), leaseExpiresAt: at(-120), attempts: 3 },
    ]);
    await database.db.insert(publishAttempts).values([
      { postId: dead!, attempt: 1, outcome: 'abandoned', finishedAt: at(-500) },
      { postId: dead!, attempt: 2, outcome: 'abandoned', finishedAt: at(-300) },
      { postId: dead!, attempt: 3 }, // never finished: its publisher died
    ]);
    expect(await tick(context())).toMatchObject({ requeued: 1, crashed: 1 });
    expect((await statusOf(lost!)).status).toBe('queued');
    expect(await statusOf(dead!)).toEqual({ status: 'failed', last_error_class: 'crash' });
    expect((await listAttempts(database.db, dead!)).map((attempt) => attempt.outcome)).toEqual(['abandoned', 'abandoned', 'abandoned']);
    expect((await drain(sqs, queues.queueUrl)).map((message) => message.postId)).toEqual([lost]);
    // Requeued just now: the next tick leaves it to its new message.
    expect(await tick(context({ now: at(60) }))).toMatchObject({ requeued: 0 });
  });

  it('fails posts whose message reached the dead-letter queue, and re-drives them on command', async () => {
    const [crashed] = await insert([{ status: 'queued', nextAttemptAt: at(-30) }]);
    const message = {
      postId: crashed,
      action: 'publish',
      attempt: 1,
      requestedAt: at(-31).toISOString(),
      scheduledAt: at(-30).toISOString(),
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: JSON.stringify(message) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: 'not a publish message' }));

    expect(await tick(context())).toMatchObject({ deadLetters: 2, queued: 0 });
    expect(await statusOf(crashed!)).toEqual({ status: 'failed', last_error_class: 'crash' });
    expect(await drain(sqs, queues.deadLetterQueueUrl)).toEqual([]);

    const result = await redrive(context());
    expect(result).toEqual({ deadLetters: 0, requeued: [crashed] });
    expect(await statusOf(crashed!)).toEqual({ status: 'queued', last_error_class: null });
    expect((await drain(sqs, queues.queueUrl)).map((queued) => queued.postId)).toEqual([crashed]);
  });
});
