import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from '@atproto/api';
import { createDynamoDbLock } from '@chronopost/bluesky';
import { countingFetch, expireStoredAccessToken, testDynamoDbClient, type TestUser, usePublishingRig } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { restorePinned } from '../src/session-pin';

/**
 * The publisher's session read against the real local PDS, sessions store (Postgres, vault) and
 * refresh lock (DynamoDB stand-in): the test holds the lock itself, as another publisher or the
 * token refresher would while refreshing, and watches who waits for it.
 */
describe('the publisher’s session read and the refresh lock', () => {
  const rig = usePublishingRig();
  let users: TestUser[];

  beforeAll(async () => {
    users = await Promise.all(Array.from({ length: 2 }, () => rig.user()));
  });

  /** Takes the OAuth client's lock for this account and keeps it until `release` is called. */
  async function holdLock(did: string) {
    const lock = createDynamoDbLock({ dynamodb: testDynamoDbClient(), table: rig.services.env.LOCK_TABLE! });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let acquired!: () => void;
    const held = new Promise<void>((resolve) => (acquired = resolve));
    const done = lock.run(`@atproto-oauth-client-${did}`, async () => {
      acquired();
      await released;
    });
    await held;
    return async () => {
      release();
      await done;
    };
  }

  /** Whether `work` settles within `ms`; it is left running either way. */
  const within = async (ms: number, work: Promise<unknown>) =>
    Promise.race([work.then(() => 'settled' as const), sleep(ms).then(() => 'waiting' as const)]);

  it('reads a session whose token is good without waiting for the refresh lock', async () => {
    const user = users[0]!;
    const client = await rig.publisher().oauthClient();
    const release = await holdLock(user.did);
    try {
      const pinned = restorePinned(client, user.did, () => new Date());
      expect(await within(5_000, pinned)).toBe('settled');
      const { session, tokenSet } = await pinned;
      expect(tokenSet.sub).toBe(user.did);
      expect((await new Agent(session).com.atproto.server.getSession()).data.did).toBe(user.did);
      // The library's own read, outside `restorePinned`, still queues behind the holder: the lock is real.
      expect(await within(3_000, client.restore(user.did))).toBe('waiting');
    } finally {
      await release();
    }
  });

  it('reads a session that needs a refresh under the lock: it waits, sends nothing meanwhile, then refreshes once', async () => {
    const user = users[1]!;
    await expireStoredAccessToken(rig.services, rig.database, user.did);
    const counting = countingFetch();
    const client = await rig.publisher({ fetch: counting.fetch }).oauthClient();
    const release = await holdLock(user.did);
    const pinned = restorePinned(client, user.did, () => new Date());
    try {
      expect(await within(3_000, pinned)).toBe('waiting');
      // The optimistic read stopped the refresh before its request left.
      expect(counting.answered.filter((entry) => entry.grant === 'refresh_token')).toEqual([]);
    } finally {
      await release();
    }
    const { session, tokenSet } = await pinned;
    expect(counting.refreshes()).toBe(1);
    expect(counting.refusedRefreshes()).toEqual([]);
    expect(Date.parse(tokenSet.expires_at!)).toBeGreaterThan(Date.now() + 60_000);
    expect((await new Agent(session).com.atproto.server.getSession()).data.did).toBe(user.did);
  });
});
