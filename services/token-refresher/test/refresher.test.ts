import { Agent } from '@atproto/api';
import { describeOauthSession } from '@chronopost/db';
import { tick } from '@chronopost/service-dispatcher';
import { meResponseSchema } from '@chronopost/shared-schemas';
import {
  countingFetch,
  expireStoredAccessToken,
  login,
  revokeOAuthSessionsAtPds,
  testEnvironment,
  type TestUser,
  usePublishingRig,
} from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSessions, sweep } from '../src/app';

/** Against the shared local PDS: real token endpoint, real refresh-token rotation, real revocation. */
describe('token refresher', () => {
  const rig = usePublishingRig();
  let users: TestUser[];

  beforeAll(async () => {
    users = await Promise.all(Array.from({ length: 6 }, () => rig.user()));
  });

  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  const status = async (id: string) =>
    (await rig.database.db.$client.query<{ status: string }>('SELECT status FROM posts WHERE id = $1', [id])).rows[0]!.status;
  /** Brings a scheduled post's time to two seconds from now, so the test can watch it go out. */
  const dueNow = (id: string) =>
    rig.database.db.$client.query(
      `UPDATE posts SET scheduled_at = now() + interval '2 seconds', next_attempt_at = now() + interval '2 seconds' WHERE id = $1`,
      [id],
    );
  async function publishDue(publisher = rig.publisher()) {
    expect((await tick(rig.dispatcher())).queued).toBe(1);
    let delivered = 0;
    for (let round = 0; delivered < 1 && round < 5; round++) delivered += (await rig.deliver(publisher, { waitSeconds: 10 })).count;
    expect(delivered).toBe(1);
  }
  const me = async (user: TestUser) =>
    meResponseSchema.parse(await (await fetch(`${rig.services.url}/me`, { headers: { authorization: `Bearer ${user.token}` } })).json());

  it('refreshes a token that would expire before the next post, so publishing needs no refresh', async () => {
    const [ahead, control] = users as [TestUser, TestUser];
    const posts = [];
    for (const user of [ahead, control]) {
      // An access token past its time (as an hour after login), and a post due in three minutes.
      await expireStoredAccessToken(rig.services, rig.database, user.did);
      posts.push(await rig.schedule(user, { items: [{ text: 'needs a fresh token' }], scheduledAt: inMinutes(3) }));
    }
    // The refresher's run would take the control account too: it runs before that one is set up.
    await rig.database.db.$client.query(`UPDATE posts SET status = 'draft' WHERE id = $1`, [posts[1]!.id]);
    const atRefresher = countingFetch();
    const summary = await refreshSessions(rig.refresher({ fetch: atRefresher.fetch }), new Date());
    expect(summary).toMatchObject({ sessions: 1, refreshed: 1, ended: 0, failed: 0 });
    expect(atRefresher.refreshes()).toBe(1);
    await rig.database.db.$client.query(`UPDATE posts SET status = 'scheduled' WHERE id = $1`, [posts[1]!.id]);

    // The refreshed account publishes without a token request; the other one must refresh first.
    for (const [index, post] of posts.entries()) {
      await dueNow(post.id);
      const atPublisher = countingFetch();
      await publishDue(rig.publisher({ fetch: atPublisher.fetch }));
      expect(await status(post.id)).toBe('published');
      expect(atPublisher.refreshes(), index === 0 ? 'refreshed ahead' : 'control').toBe(index === 0 ? 0 : 1);
    }
  });

  it('blocks the posts of a session revoked at the PDS and tells the user; a new login resumes them', async () => {
    const user = users[2]!;
    const soon = await rig.schedule(user, { items: [{ text: 'held while logged out' }], scheduledAt: inMinutes(3) });
    const later = await rig.schedule(user, { items: [{ text: 'held too' }], scheduledAt: inMinutes(600) });
    expect(await revokeOAuthSessionsAtPds(testEnvironment().pdsUrl, { identifier: user.handle, password: user.password })).toBe(1);
    await expireStoredAccessToken(rig.services, rig.database, user.did);

    const summary = (await sweep(rig.refresher())).refresh;
    expect(summary).toMatchObject({ refreshed: 0, ended: 1, blockedPosts: 2, failed: 0 });
    expect((await describeOauthSession(rig.database.db, user.did))!.state).toBe('revoked');
    expect([await status(soon.id), await status(later.id)]).toEqual(['blocked', 'blocked']);
    const told = await me(user);
    expect(told.notifications).toHaveLength(1);
    expect(told.notifications[0]).toMatchObject({ kind: 'session_ended', details: { state: 'revoked', blockedPosts: 2 } });
    expect(told.notifications[0]!.message).toMatch(/Log in again.*2 scheduled posts are on hold/);
    // A second run (or a publisher noticing) does not tell them twice.
    await sweep(rig.refresher());
    expect((await me(user)).notifications).toHaveLength(1);

    const { finished } = await login(rig.services, user);
    expect(finished.status).toBe(303);
    expect([await status(soon.id), await status(later.id)]).toEqual(['scheduled', 'scheduled']);
    expect((await me(user)).notifications[0]).toMatchObject({ kind: 'posts_resumed', details: { resumed: 2, missed: 0 } });
    await dueNow(soon.id);
    await publishDue();
    expect(await status(soon.id)).toBe('published');
  });

  it('holds nothing when the user logs in again over a live session, and holds the posts on logout', async () => {
    const user = users[4]!;
    const post = await rig.schedule(user, { items: [{ text: 'through logins and logouts' }], scheduledAt: inMinutes(600) });
    // Logging in again replaces the session (the OAuth client revokes the old one first).
    const { browser } = await login(rig.services, user);
    expect(await status(post.id)).toBe('scheduled');
    expect((await me(user)).notifications).toEqual([]);

    const out = await browser.fetch(`${rig.services.url}/auth/logout`, { method: 'POST' });
    expect(out.status).toBe(204);
    expect(await status(post.id)).toBe('blocked');
    expect((await me(user)).notifications[0]).toMatchObject({ kind: 'session_ended', details: { state: 'logged_out', blockedPosts: 1 } });
    await login(rig.services, user);
    expect(await status(post.id)).toBe('scheduled');
  });

  it('warns, once, when a public-client session will end before a scheduled post', async () => {
    const user = users[5]!;
    // A loopback (public) client session lives two weeks: this one started ten days ago.
    await rig.database.db.$client.query(`UPDATE oauth_sessions SET created_at = now() - interval '10 days' WHERE did = $1`, [user.did]);
    await rig.schedule(user, { items: [{ text: 'after the session ends' }], scheduledAt: inMinutes(6 * 24 * 60) });
    expect((await refreshSessions(rig.refresher(), new Date())).warned).toBe(1);
    expect((await refreshSessions(rig.refresher(), new Date())).warned).toBe(0);
    const [warning, ...others] = (await me(user)).notifications;
    expect(others).toEqual([]);
    expect(warning).toMatchObject({ kind: 'session_ends_soon' });
    expect(warning!.message).toMatch(/Log in again before then/);
  });

  it('never replays a refresh token when the refresher and twenty publishers restore one session at once', async () => {
    const user = users[3]!;
    await rig.schedule(user, { items: [{ text: 'contended' }], scheduledAt: inMinutes(3) });
    await expireStoredAccessToken(rig.services, rig.database, user.did);

    const counting = countingFetch();
    // Twenty publisher "containers" (each its own OAuth client, vault and lock client) and the refresher.
    const clients = await Promise.all(Array.from({ length: 20 }, () => rig.publisher({ fetch: counting.fetch }).oauthClient()));
    const [summary, ...restores] = await Promise.allSettled([
      refreshSessions(rig.refresher({ fetch: counting.fetch }), new Date()),
      ...clients.map((client) => client.restore(user.did)),
    ]);
    expect(restores.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(summary).toMatchObject({ status: 'fulfilled', value: { refreshed: 1, ended: 0, failed: 0 } });
    expect(counting.refusedRefreshes()).toEqual([]);
    // The publishers' refresh of the expired token and the refresher's forced one, one after the other.
    expect(counting.refreshes()).toBeGreaterThanOrEqual(1);
    expect(counting.refreshes()).toBeLessThanOrEqual(2);
    const sessions = restores.map(
      (result) => (result as PromiseFulfilledResult<Awaited<ReturnType<(typeof clients)[0]['restore']>>>).value,
    );
    await Promise.all(sessions.map((session) => new Agent(session).com.atproto.server.getSession()));
    expect((await describeOauthSession(rig.database.db, user.did))!.state).toBe('active');
  });
});
