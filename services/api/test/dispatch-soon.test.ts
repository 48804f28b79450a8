import { SQSClient } from '@aws-sdk/client-sqs';
import { findPost } from '@chronopost/db';
import { type TestUser, usePublishingRig } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchIfDueSoon } from '../src/posts/dispatch-soon';

/**
 * A post due before the dispatcher's next tick could claim it is dispatched by the API itself, so
 * "in 40 seconds" means 40 seconds, not "at the next minute". No dispatcher ticks in this file.
 */
describe('posts due before the next tick', () => {
  const rig = usePublishingRig({ apiDispatches: true });
  let alice: TestUser;

  beforeAll(async () => {
    alice = await rig.user();
  });

  it('go on the queue when they are scheduled, delayed to just before their second, and publish on time', async () => {
    // Ten seconds ahead: the message is delayed by six (it arrives a few seconds early on purpose).
    const at = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    const created = await rig.schedule(alice, { items: [{ text: 'soon, without waiting for the tick' }], scheduledAt: at.toISOString() });
    expect(created.status).toBe('queued');
    expect(await rig.depth()).toMatchObject({ visible: 0, delayed: 1 });

    let delivered = 0;
    for (let round = 0; delivered < 1 && round < 5; round++) delivered += (await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count;
    const published = await rig.post(alice, created.id);
    expect(published.status).toBe('published');
    expect(new Date(published.publishedAt!).getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('leave later posts to the dispatcher', async () => {
    const later = await rig.schedule(alice, {
      items: [{ text: 'in ten minutes' }],
      scheduledAt: new Date(Date.now() + 600_000).toISOString(),
    });
    expect(later.status).toBe('scheduled');
    expect(await rig.depth()).toMatchObject({ visible: 0, delayed: 0 });
  });

  it('stay scheduled for the next tick when the queue cannot be reached', async () => {
    const created = await rig.schedule(alice, {
      items: [{ text: 'queue down' }],
      scheduledAt: new Date(Date.now() + 600_000).toISOString(),
    });
    await rig.database.db.$client.query(`UPDATE posts SET next_attempt_at = now() + interval '20 seconds' WHERE id = $1`, [created.id]);
    const post = (await findPost(rig.database.db, alice.did, created.id))!;
    // Nothing listens on port 1: the send fails as an unreachable SQS endpoint does.
    const unreachable = new SQSClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const after = await dispatchIfDueSoon({ ...rig.services.api, sqs: async () => unreachable }, post);
    expect(after.status).toBe('scheduled');
    expect((await findPost(rig.database.db, alice.did, created.id))!.status).toBe('scheduled');
  });
});
