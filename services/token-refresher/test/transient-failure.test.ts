import { describeOauthSession } from '@chronopost/db';
import { countingFetch, expireStoredAccessToken, faultyFetch, type TestUser, usePublishingRig } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSessions } from '../src/app';

/**
 * A refresh that fails for a passing reason (the authorization server unreachable) must leave the
 * session as it was, so the next run refreshes it ahead of its post. (A `refreshing` state once
 * stuck such a session: the refresher only looked at `active` ones.)
 */
describe('token refresher after a transient failure', () => {
  const rig = usePublishingRig();
  let user: TestUser;
  beforeAll(async () => {
    user = await rig.user();
  });

  it('leaves the session live and refreshes it on the next run, ahead of its post', async () => {
    await expireStoredAccessToken(rig.services, rig.database, user.did);
    await rig.schedule(user, { items: [{ text: 'due soon' }], scheduledAt: new Date(Date.now() + 4 * 60_000).toISOString() });

    const unreachable = faultyFetch();
    unreachable.fail('/oauth/token', { kind: 'network' }, 10);
    const failed = await refreshSessions(rig.refresher({ fetch: unreachable.fetch }), new Date());
    expect(failed).toMatchObject({ sessions: 1, refreshed: 0, ended: 0, failed: 1 });
    expect(unreachable.calls('/oauth/token').length).toBeGreaterThan(0);
    expect((await describeOauthSession(rig.database.db, user.did))!.state).toBe('active');

    const reachable = countingFetch();
    const next = await refreshSessions(rig.refresher({ fetch: reachable.fetch }), new Date());
    expect(next).toMatchObject({ sessions: 1, refreshed: 1, ended: 0, failed: 0 });
    expect(reachable.refreshes()).toBe(1);
    const session = await describeOauthSession(rig.database.db, user.did);
    expect(session!.state).toBe('active');
    expect(session!.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
  });
});
