import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabase, findPost, listAttempts } from '@chronopost/db';
import { lambdaContext, receiveBatch } from '@chronopost/local';
import { redrive, tick } from '@chronopost/service-dispatcher';
import { faultyFetch, testEnvironment, type TestUser, usePublishingRig } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../src/app';

async function postsOnPds(repo: string) {
  const url = new URL('/xrpc/com.atproto.repo.listRecords', testEnvironment().pdsUrl);
  url.search = new URLSearchParams({ repo, collection: 'app.bsky.feed.post', limit: '100' }).toString();
  return ((await (await fetch(url)).json()) as { records: Array<{ uri: string; cid: string; value: { text: string } }> }).records;
}

/**
 * At-least-once delivery, crashes and lost answers must never publish a post twice. Real PDS,
 * Postgres and SQS (a short visibility timeout, so redeliveries come within seconds, and a
 * maxReceiveCount of 2, so a crashing message reaches the dead-letter queue quickly).
 */
describe('exactly once', () => {
  const rig = usePublishingRig({ visibilityTimeoutSeconds: 4, maxReceiveCount: 2 });
  let alice: TestUser;

  beforeAll(async () => {
    alice = await rig.user();
  });

  /** A post due in a second or so, already claimed by a tick: its message is in the queue. */
  async function queuedPost(text: string) {
    const post = await rig.schedule(alice, { items: [{ text }], scheduledAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await tick(rig.dispatcher())).queued).toBe(1);
    return post;
  }

  const published = async (text: string) => (await postsOnPds(alice.did)).filter((record) => record.value.text === text);

  it('writes once when the same message is delivered twice at the same time', async () => {
    const text = 'delivered twice, posted once';
    const post = await queuedPost(text);
    const [record] = await receiveBatch({
      sqs: rig.sqs,
      queueUrl: rig.queues.queueUrl,
      queueArn: rig.queues.queueArn,
      batchSize: 1,
      waitSeconds: 10,
    });
    // Two invocations (two Lambda containers) with the very same message.
    const [first, second] = await Promise.all(
      [rig.publisher(), rig.publisher()].map((ctx) => makeHandler(ctx)({ Records: [record!] }, lambdaContext('publisher', 60_000))),
    );
    // One published; the other found the post held and asked for the message again later.
    expect([first!.batchItemFailures.length, second!.batchItemFailures.length].sort()).toEqual([0, 1]);
    expect((await rig.post(alice, post.id)).status).toBe('published');
    expect(await published(text)).toHaveLength(1);

    // The redelivery finds the post published and changes nothing.
    let delivered = 0;
    while (delivered < 1) delivered += (await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count;
    expect(await published(text)).toHaveLength(1);
    expect((await listAttempts(rig.database.db, post.id)).map((attempt) => attempt.outcome)).toEqual(['published']);
  });

  it('takes a write whose answer was lost for what it is: published, once', async () => {
    const text = 'the answer got lost';
    const faults = faultyFetch();
    faults.fail('/xrpc/com.atproto.repo.applyWrites', { kind: 'lose-answer' });
    const post = await queuedPost(text);
    let delivered = 0;
    while (delivered < 1) delivered += (await rig.deliver(rig.publisher({ fetch: faults.fetch }), { waitSeconds: 10 })).count;
    const after = await rig.post(alice, post.id);
    const records = await published(text);
    expect(records).toHaveLength(1);
    expect(after).toMatchObject({ status: 'published', attempts: 1 });
    expect(after.items[0]).toMatchObject({ uri: records[0]!.uri, cid: records[0]!.cid });
    expect((await listAttempts(rig.database.db, post.id)).map((attempt) => attempt.outcome)).toEqual(['already_published']);
  });

  it('recovers a publisher killed after the PDS accepted its write: redelivered, published once', async () => {
    const text = 'the publisher died right after writing';
    const post = await queuedPost(text);
    // Due before the child starts, so it writes at once. Its Lambda timeout leaves room for a loaded
    // machine (with 1 s the invocation sometimes timed out before writing).
    await new Promise((resolve) => setTimeout(resolve, Date.parse(post.scheduledAt!) - Date.now() + 100));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/publish-then-die.ts', import.meta.url))], {
      env: {
        ...process.env,
        CHRONOPOST_TEST_PUBLISHER: JSON.stringify({
          env: rig.publisherEnv,
          sqsEndpoint: testEnvironment().sqsEndpoint,
          queueUrl: rig.queues.queueUrl,
          queueArn: rig.queues.queueArn,
          timeoutMs: 5_000,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    expect(exit, stderr).toEqual({ code: null, signal: 'SIGKILL' });

    // The PDS has the record; our database still says a publisher holds the post.
    expect(await published(text)).toHaveLength(1);
    const held = (await findPost(rig.database.db, alice.did, post.id))!;
    expect(held.status).toBe('publishing');

    // SQS delivers the message again (its deletion never happened) once the dead holder's lease has
    // run out, as in AWS, where the visibility timeout (28 s) outlasts any lease. (Here it is 4 s:
    // an earlier redelivery would be deferred, and with maxReceiveCount 2 go to the dead-letter
    // queue.) The publisher takes the post over, finds the record, and is done.
    await new Promise((resolve) => setTimeout(resolve, held.leaseExpiresAt!.getTime() - Date.now() + 100));
    const deadline = Date.now() + 30_000;
    while ((await rig.post(alice, post.id)).status !== 'published' && Date.now() < deadline)
      await rig.deliver(rig.publisher(), { waitSeconds: 5 });
    const after = await rig.post(alice, post.id);
    const records = await published(text);
    expect(records).toHaveLength(1);
    expect(after).toMatchObject({ status: 'published', attempts: 2 });
    expect(after.items[0]).toMatchObject({ uri: records[0]!.uri, cid: records[0]!.cid });
    expect((await listAttempts(rig.database.db, post.id)).map((attempt) => attempt.outcome)).toEqual(['abandoned', 'already_published']);
  }, 60_000);

  it('fails a post whose message keeps crashing the publisher into the dead-letter queue, and publishes it on redrive', async () => {
    const text = 'crashed, then redriven';
    const post = await queuedPost(text);
    // A publisher that cannot reach its database: every delivery fails before anything happens.
    const broken = createDatabase(
      { url: 'postgres://chronopost@127.0.0.1:1/unreachable', schema: 'public' },
      { max: 1, applicationName: 'broken' },
    );
    try {
      const crashing = rig.publisher({ db: broken });
      for (let receives = 0; receives < 2;) {
        const delivered = await rig.deliver(crashing, { waitSeconds: 5 });
        if (delivered.count) expect(delivered.response?.batchItemFailures).toHaveLength(1);
        receives += delivered.count;
      }
    } finally {
      await broken.$client.end();
    }
    // Past maxReceiveCount the queue moves the message to the DLQ (on the next receive).
    expect((await rig.deliver(rig.publisher(), { waitSeconds: 5 })).count).toBe(0);
    expect(await rig.depth(rig.queues.deadLetterQueueUrl)).toMatchObject({ visible: 1 });

    const swept = await tick(rig.dispatcher());
    expect(swept.deadLetters).toBe(1);
    const failed = await rig.post(alice, post.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError?.class).toBe('crash');
    expect(failed.lastError?.message).toMatch(/Nothing was posted/);
    expect(await published(text)).toHaveLength(0);

    expect((await redrive(rig.dispatcher())).requeued).toEqual([post.id]);
    let delivered = 0;
    while (delivered < 1) delivered += (await rig.deliver(rig.publisher(), { waitSeconds: 5 })).count;
    expect((await rig.post(alice, post.id)).status).toBe('published');
    expect(await published(text)).toHaveLength(1);
  }, 60_000);
});
