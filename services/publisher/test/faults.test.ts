import { renderMessage } from '@chronopost/shared-schemas';
import { findPost, listAttempts, loadOauthSession, posts } from '@chronopost/db';
import { tick } from '@chronopost/service-dispatcher';
import { faultyFetch, revokeOAuthSessionsAtPds, testEnvironment, type TestUser, usePublishingRig } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const APPLY_WRITES = '/xrpc/com.atproto.repo.applyWrites';

async function countPosts(repo: string) {
  const url = new URL('/xrpc/com.atproto.repo.listRecords', testEnvironment().pdsUrl);
  url.search = new URLSearchParams({ repo, collection: 'app.bsky.feed.post', limit: '100' }).toString();
  return ((await (await fetch(url)).json()) as { records: unknown[] }).records.length;
}

/**
 * Failures of the PDS and of the network, with the retry schedule played on a fake clock: the
 * dispatcher and publisher read time from it, and the publisher does not sleep. The PDS, the
 * database and the queue are real; PDS failures are injected between the publisher and the PDS
 * (a PDS cannot be told to answer 503 on demand).
 */
describe('publishing through failures', () => {
  const rig = usePublishingRig();
  let alice: TestUser;
  const clock = { t: Date.now(), now: () => new Date(clock.t) };
  const advanceTo = (date: Date | number) => {
    clock.t = Math.max(clock.t, typeof date === 'number' ? date : date.getTime());
  };

  beforeAll(async () => {
    alice = await rig.user();
  });

  const dispatcher = () => rig.dispatcher({ now: clock.now });
  // The publisher's waits pass on the fake clock, so when it writes can be checked against when it may.
  const publisher = (fetch?: typeof globalThis.fetch) =>
    rig.publisher({ now: clock.now, sleep: async (ms) => advanceTo(clock.t + ms), ...(fetch ? { fetch } : {}) });
  const row = async (id: string) => (await findPost(rig.database.db, alice.did, id))!;

  /** Schedules a post a second ahead and moves the fake clock to its time. */
  async function due(text: string, latePolicy?: { mode: 'skip' | 'publish'; graceSeconds?: number }) {
    const at = new Date(Math.max(Date.now(), clock.t) + 1_500);
    const post = await rig.schedule(alice, { items: [{ text }], scheduledAt: at.toISOString(), ...(latePolicy ? { latePolicy } : {}) });
    return { post, at };
  }

  async function dispatchAndDeliver(ctx: ReturnType<typeof publisher>, expectedQueued = 1) {
    const ticked = await tick(dispatcher());
    expect(ticked.queued).toBe(expectedQueued);
    let delivered = 0;
    while (delivered < expectedQueued) delivered += (await rig.deliver(ctx, { waitSeconds: 5 })).count;
  }

  it('retries a PDS answering 503 at 30 s and publishes once it recovers, recording both attempts', async () => {
    const faults = faultyFetch({ now: clock.now });
    faults.fail(APPLY_WRITES, { kind: 'status', status: 503, body: { error: 'ServiceUnavailable', message: 'down for maintenance' } });
    const { post, at } = await due('published after a 503');
    advanceTo(at);
    const before = await countPosts(alice.did);
    await dispatchAndDeliver(publisher(faults.fetch));

    const retrying = await row(post.id);
    expect(retrying).toMatchObject({ status: 'retrying', lastErrorClass: 'server', attempts: 1 });
    expect(renderMessage({ code: retrying.lastErrorCode!, params: retrying.lastErrorParams as Record<string, unknown> })).toContain('503');
    expect(retrying.nextAttemptAt!.getTime()).toBe(clock.t + 30_000);
    // Queued a little early (look-ahead), the retry waits for its time before writing.
    advanceTo(retrying.nextAttemptAt!.getTime() - 2_000);
    await dispatchAndDeliver(publisher(faults.fetch));
    expect(faults.calls(APPLY_WRITES).map((call) => call.at.getTime() >= retrying.nextAttemptAt!.getTime())).toEqual([false, true]);
    expect(await rig.post(alice, post.id)).toMatchObject({ status: 'published', attempts: 2, lastError: null });
    expect(await countPosts(alice.did)).toBe(before + 1);
    const attempts = await listAttempts(rig.database.db, post.id);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.errorClass])).toEqual([
      [1, 'retrying', 'server'],
      [2, 'published', null],
    ]);
    expect(attempts.every((attempt) => attempt.finishedAt && attempt.latencyMs !== null)).toBe(true);
    // Each attempt keeps when its write left (our own lateness is due → then).
    expect(attempts.map((attempt) => attempt.writeSentAt?.getTime())).toEqual(faults.calls(APPLY_WRITES).map((call) => call.at.getTime()));
  });

  it('does not wait for a DPoP nonce read the PDS never answers: the write goes on its second', async () => {
    const faults = faultyFetch({ now: clock.now });
    // A new publisher holds no nonce of the PDS, so it asks for one ahead (ensureDpopNonce).
    faults.fail('/xrpc/com.atproto.server.getSession', { kind: 'hang' });
    const { post, at } = await due('published although the nonce read hung');
    await dispatchAndDeliver(publisher(faults.fetch));
    expect(faults.calls('/xrpc/com.atproto.server.getSession')).toHaveLength(1);
    expect(await rig.post(alice, post.id)).toMatchObject({ status: 'published', attempts: 1 });
    const [write] = faults.calls(APPLY_WRITES);
    expect(write!.at.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(write!.at.getTime()).toBeLessThan(at.getTime() + 1_000);
  });

  it('honours a 429 reset: no attempt before it, then publishes', async () => {
    const faults = faultyFetch({ now: clock.now });
    const { post, at } = await due('published after a rate limit');
    advanceTo(at);
    // Eleven minutes: past the last backoff step (8 min) plus the dispatcher's look-ahead (135 s).
    const reset = Math.ceil(clock.t / 1000) + 660;
    faults.fail(APPLY_WRITES, {
      kind: 'status',
      status: 429,
      headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    });
    await dispatchAndDeliver(publisher(faults.fetch));
    const limited = await row(post.id);
    expect(limited).toMatchObject({ status: 'retrying', lastErrorClass: 'rate_limited' });
    expect(limited.nextAttemptAt!.getTime()).toBe(reset * 1000);

    // Past every backoff step (30 s, 2 min, 8 min), still before the reset: nothing is attempted.
    for (const minutes of [1, 3, 8]) {
      advanceTo(at.getTime() + minutes * 60_000);
      expect((await tick(dispatcher())).queued).toBe(0);
    }
    expect(faults.calls(APPLY_WRITES)).toHaveLength(1);

    advanceTo(reset * 1000 - 2_000);
    await dispatchAndDeliver(publisher(faults.fetch));
    expect((await rig.post(alice, post.id)).status).toBe('published');
    const writes = faults.calls(APPLY_WRITES);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at.getTime()).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('fails with a readable reason when the network stays down through every retry', async () => {
    const pds = new URL(testEnvironment().pdsUrl).host;
    const faults = faultyFetch({ now: clock.now });
    faults.fail((url) => url.host === pds, { kind: 'network' }, Number.POSITIVE_INFINITY);
    const { post, at } = await due('never reaches the PDS');
    advanceTo(at);
    const before = await countPosts(alice.did);

    await dispatchAndDeliver(publisher(faults.fetch));
    for (const wait of [30_000, 120_000, 480_000]) {
      const retrying = await row(post.id);
      expect(retrying).toMatchObject({ status: 'retrying', lastErrorClass: 'network' });
      expect(retrying.nextAttemptAt!.getTime()).toBe(clock.t + wait);
      advanceTo(retrying.nextAttemptAt!.getTime() - 1_000);
      await dispatchAndDeliver(publisher(faults.fetch));
    }
    const failed = await rig.post(alice, post.id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastError: { class: 'network', message: 'Your Bluesky server could not be reached.' },
    });
    expect((await listAttempts(rig.database.db, post.id)).map((attempt) => attempt.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'failed',
    ]);
    expect(await countPosts(alice.did)).toBe(before);
    // A network failure is not the end of the login.
    expect((await loadOauthSession(rig.database.db, alice.did))?.state).toBe('active');
  });

  it('publishes a post whose message was lost after the claim, through the reaper', async () => {
    const { post, at } = await due('rescued by the reaper');
    advanceTo(at);
    expect((await tick(dispatcher())).queued).toBe(1);
    await rig.purge(); // the message is lost
    expect((await row(post.id)).status).toBe('queued');

    advanceTo(at.getTime() + 60_000);
    expect((await tick(dispatcher())).requeued).toBe(0); // not yet: it may still be on its way
    advanceTo(at.getTime() + 130_000);
    expect((await tick(dispatcher())).requeued).toBe(1);
    let delivered = 0;
    while (delivered < 1) delivered += (await rig.deliver(publisher(), { waitSeconds: 5 })).count;
    expect((await rig.post(alice, post.id)).status).toBe('published');
  });

  it('skips posts later than their grace after an outage, and publishes those that asked to go out anyway', async () => {
    const skip = await due('stale after an outage', { mode: 'skip', graceSeconds: 300 });
    const anyway = await due('publish me whenever', { mode: 'publish' });
    const withinGrace = await due('still fresh enough', { mode: 'skip', graceSeconds: 3_600 });
    const before = await countPosts(alice.did);
    // The dispatcher was down for 10 minutes.
    advanceTo(anyway.at.getTime() + 10 * 60_000);
    const ticked = await tick(dispatcher());
    expect(ticked).toMatchObject({ missed: 1, queued: 2 });
    let delivered = 0;
    while (delivered < 2) delivered += (await rig.deliver(publisher(), { waitSeconds: 5 })).count;

    const missed = await rig.post(alice, skip.post.id);
    expect(missed.status).toBe('missed');
    expect(missed.lastError?.message).toMatch(/late policy/);
    expect((await rig.post(alice, anyway.post.id)).status).toBe('published');
    expect((await rig.post(alice, withinGrace.post.id)).status).toBe('published');
    expect(await countPosts(alice.did)).toBe(before + 2);
  });

  it('blocks a post whose Bluesky login was revoked, saying to log in again', async () => {
    const bob = await rig.user();
    const before = await countPosts(bob.did);
    await revokeOAuthSessionsAtPds(testEnvironment().pdsUrl, { identifier: bob.handle, password: bob.password });
    const at = new Date(Math.max(Date.now(), clock.t) + 1_500);
    const post = await rig.schedule(bob, { items: [{ text: 'after a revoke' }], scheduledAt: at.toISOString() });
    advanceTo(at);
    await dispatchAndDeliver(publisher());
    const blocked = await rig.post(bob, post.id);
    expect(blocked.status).toBe('blocked');
    expect(['auth', 'session_ended']).toContain(blocked.lastError?.class);
    expect(blocked.lastError?.message).toMatch(/[Ll]og in again/);
    expect(await countPosts(bob.did)).toBe(before);
    // Nothing left in flight.
    expect((await rig.database.db.select().from(posts)).filter((p) => p.status === 'queued' || p.status === 'publishing')).toEqual([]);
  });
});
