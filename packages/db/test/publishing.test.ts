import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimForPublishing, insertPost, listAttempts, markNotPublished, markPublished, startAttempt, upsertAccount } from '../src';

describe('publishing claims', () => {
  let database: TestDatabase;
  const t0 = new Date('2026-11-22T12:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const lease = (now: number, seconds = 60) => ({ now: at(now), until: at(now + seconds) });

  const queuedPost = async () => {
    const id = await insertPost(database.db, {
      ownerDid: 'did:plc:claims',
      status: 'scheduled',
      scheduledAt: t0,
      timeZone: null,
      clockId: 1,
      latePolicy: 'skip',
      lateGraceSeconds: 900,
      options: {},
      items: [{ text: 'hello', facets: [], embed: null, langs: [], labels: [], rkey: null }],
    });
    await database.db.$client.query(`UPDATE posts SET status = 'queued' WHERE id = $1`, [id]);
    return id;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertAccount(database.db, { did: 'did:plc:claims', handle: 'claims.test', pdsUrl: 'http://pds.test' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('lets one of many simultaneous claims win', async () => {
    const id = await queuedPost();
    const results = await Promise.all(Array.from({ length: 8 }, () => claimForPublishing(database.db, id, lease(0))));
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    expect(results.filter((result) => !result.claimed && 'leaseLive' in result && result.leaseLive)).toHaveLength(7);
  });

  it('takes over a post whose holder’s lease ran out, and only the new holder may finish it', async () => {
    const id = await queuedPost();
    const first = await claimForPublishing(database.db, id, lease(0, 10));
    expect(first).toMatchObject({ claimed: true, claim: { attempt: 1, tookOver: false } });
    await startAttempt(database.db, id, 1);
    expect(await claimForPublishing(database.db, id, lease(5))).toEqual({ claimed: false, status: 'publishing', leaseLive: true });

    const second = await claimForPublishing(database.db, id, lease(11));
    expect(second).toMatchObject({ claimed: true, claim: { attempt: 2, tookOver: true } });
    expect((await listAttempts(database.db, id)).map((attempt) => attempt.outcome)).toEqual(['abandoned']);
    // The old holder wakes up: its claim is gone, so it changes nothing.
    expect(
      await markNotPublished(
        database.db,
        { postId: id, attempt: 1 },
        { status: 'failed' },
        { reason: { code: 'too_late', params: { graceMinutes: 15 } } },
      ),
    ).toBe(false);
    expect(
      await markPublished(database.db, { postId: id, attempt: 2 }, [{ uri: 'at://x/app.bsky.feed.post/1', cid: 'bafy' }], at(12)),
    ).toBe(true);
    expect(await claimForPublishing(database.db, id, lease(100))).toEqual({ claimed: false, status: 'published', leaseLive: false });
  });

  it('fails a post with class crash once its publishers died three times', async () => {
    const id = await queuedPost();
    let now = 0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await claimForPublishing(database.db, id, lease(now, 10));
      expect(result.claimed).toBe(true);
      await startAttempt(database.db, id, attempt); // … and the publisher dies
      now += 20;
    }
    expect(await claimForPublishing(database.db, id, lease(now, 10))).toEqual({ claimed: false, status: 'failed', crashed: true });
    const row = (await database.db.$client.query('SELECT status, last_error_class, lease_expires_at FROM posts WHERE id = $1', [id]))
      .rows[0];
    expect(row).toEqual({ status: 'failed', last_error_class: 'crash', lease_expires_at: null });
  });
});
