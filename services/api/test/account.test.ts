import { notify } from '@chronopost/db';
import {
  accountSettingsResponseSchema,
  listNotificationsResponseSchema,
  listPostsResponseSchema,
  meResponseSchema,
  notificationSchema,
  postSchema,
} from '@chronopost/shared-schemas';
import { type HttpServices, useHttpServices } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';

type User = Awaited<ReturnType<HttpServices['signUp']>>;

const rigFor = () => {
  const rig = useHttpServices();
  const call = (user: User, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rig.services.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { rig, call };
};

describe('notifications', () => {
  const { rig, call } = rigFor();
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([rig.services.signUp(), rig.services.signUp()]);
    for (const [index, details] of [{ endsAt: '2027-01-02T03:04:05.000Z' }, { resumed: 2, missed: 1 }].entries()) {
      await notify(rig.database.db, {
        ownerDid: alice.did,
        kind: index === 0 ? 'session_ends_soon' : 'posts_resumed',
        details,
        dedupeKey: `test:${index}`,
      });
    }
    await notify(rig.database.db, {
      ownerDid: bob.did,
      kind: 'session_ends_soon',
      details: { endsAt: '2027-01-01T00:00:00Z' },
      dedupeKey: 'b',
    });
  });

  const list = async (user: User, query = '') => {
    const response = await call(user, 'GET', `/notifications${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return listNotificationsResponseSchema.parse(await response.json());
  };

  it('lists the caller’s own notifications newest first, as code, params and English, with the unread count', async () => {
    const page = await list(alice);
    expect(page.unreadCount).toBe(2);
    expect(page.notifications.map((n) => n.code)).toEqual(['posts_resumed', 'session_ends_soon']);
    expect(page.notifications[0]).toMatchObject({ params: { resumed: 2, missed: 1 }, readAt: null, dismissedAt: null });
    expect(page.notifications[0]!.message).toBe(
      'Welcome back. 2 held posts will go out as scheduled (or now, if its time has passed). 1 was past its late policy and skipped: nothing was posted for it.',
    );
    const paged = await list(alice, '?limit=1');
    expect(paged.notifications).toHaveLength(1);
    const rest = await list(alice, `?limit=1&cursor=${paged.nextCursor}`);
    expect(rest.notifications.map((n) => n.code)).toEqual(['session_ends_soon']);
    expect(rest.nextCursor).toBeNull();
  });

  it('marks one read, dismisses one, and marks all read; another account’s is not found', async () => {
    const [newest, oldest] = (await list(alice)).notifications;
    const read = await call(alice, 'POST', `/notifications/${oldest!.id}/read`);
    expect(notificationSchema.parse(await read.json()).readAt).not.toBeNull();
    expect((await list(alice)).unreadCount).toBe(1);

    const theirs = (await list(bob)).notifications[0]!;
    const refused = await call(alice, 'POST', `/notifications/${theirs.id}/dismiss`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'notification_not_found', issues: [{ path: 'id' }] } });
    expect((await list(bob)).notifications[0]!.dismissedAt).toBeNull();

    const dismissed = notificationSchema.parse(await (await call(alice, 'POST', `/notifications/${newest!.id}/dismiss`)).json());
    expect(dismissed.dismissedAt).not.toBeNull();
    expect((await list(alice)).notifications.map((n) => n.id)).toEqual([oldest!.id]);
    expect((await list(alice, '?dismissed=true')).notifications).toHaveLength(2);
    expect((await list(alice)).unreadCount).toBe(0);

    await notify(rig.database.db, { ownerDid: alice.did, kind: 'post_failed', details: { postId: 'p1', excerpt: 'hi' }, dedupeKey: 'f' });
    const me = meResponseSchema.parse(await (await call(alice, 'GET', '/me')).json());
    expect(me.unreadNotifications).toBe(1);
    const all = await call(alice, 'POST', '/notifications/read-all');
    expect(await all.json()).toEqual({ marked: 1, unreadCount: 0 });
    expect((await list(bob)).unreadCount).toBe(1);
  });

  it('refuses a bad id or query with the field', async () => {
    const response = await call(alice, 'POST', '/notifications/not-a-uuid/read');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ path: 'id' }] } });
    const query = await call(alice, 'GET', '/notifications?limit=0&colour=red');
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path).sort()).toEqual([
      'limit',
      'query',
    ]);
  });
});

describe('account settings', () => {
  const { rig, call } = rigFor();
  let alice: User;
  beforeAll(async () => {
    alice = await rig.services.signUp();
  });

  it('answers the defaults until saved, then what was saved, normalised', async () => {
    const defaults = accountSettingsResponseSchema.parse(await (await call(alice, 'GET', '/settings')).json());
    expect(defaults).toEqual({
      settings: {
        timeZone: 'UTC',
        languages: [],
        replyControl: { mode: 'everyone' },
        quoteControl: { allowQuotes: true },
        latePolicy: { mode: 'skip', graceSeconds: 900 },
      },
      updatedAt: null,
    });
    const settings = {
      timeZone: 'Asia/Tokyo',
      languages: ['JA', 'en'],
      replyControl: { mode: 'limited', allow: ['following'] },
      quoteControl: { allowQuotes: false },
      latePolicy: { mode: 'publish' },
    };
    const saved = await call(alice, 'PUT', '/settings', settings);
    expect(saved.status, await saved.clone().text()).toBe(200);
    const read = accountSettingsResponseSchema.parse(await (await call(alice, 'GET', '/settings')).json());
    expect(read.settings).toEqual({ ...settings, languages: ['ja', 'en'], latePolicy: { mode: 'publish', graceSeconds: 900 } });
    expect(read.updatedAt).not.toBeNull();
  });

  it('refuses invalid settings with the field and keeps the saved ones', async () => {
    const before = await (await call(alice, 'GET', '/settings')).json();
    const response = await call(alice, 'PUT', '/settings', { timeZone: 'Mars/Olympus', languages: ['x!'], extra: 1 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: Array<{ path: string; code: string; message: string }> } };
    expect(body.error.issues).toContainEqual(expect.objectContaining({ path: 'body', code: 'unrecognized_keys' }));
    const zone = await call(alice, 'PUT', '/settings', { timeZone: 'Mars/Olympus' });
    expect(((await zone.json()) as typeof body).error.issues).toEqual([
      expect.objectContaining({ path: 'timeZone', code: 'invalid_time_zone', message: expect.stringContaining('Mars/Olympus') }),
    ]);
    expect(await (await call(alice, 'GET', '/settings')).json()).toEqual(before);
  });
});

describe('conditional GETs for polling', () => {
  const { rig, call } = rigFor();
  let alice: User;
  beforeAll(async () => {
    alice = await rig.services.signUp();
  });

  it('answers 304 while a post is unchanged, and 200 with the new ETag once it changes', async () => {
    const created = await call(alice, 'POST', '/posts', {
      items: [{ text: 'poll me' }],
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const post = postSchema.parse(await created.json());
    const first = await call(alice, 'GET', `/posts/${post.id}`);
    const tag = first.headers.get('etag')!;
    expect(tag).toBe('"1"');
    const unchanged = await call(alice, 'GET', `/posts/${post.id}`, undefined, { 'if-none-match': tag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(tag);
    expect(await unchanged.text()).toBe('');

    const listTag = (await call(alice, 'GET', '/posts')).headers.get('etag')!;
    expect((await call(alice, 'GET', '/posts', undefined, { 'if-none-match': listTag })).status).toBe(304);

    await call(alice, 'DELETE', `/posts/${post.id}`);
    const changed = await call(alice, 'GET', `/posts/${post.id}`, undefined, { 'if-none-match': tag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    const list = await call(alice, 'GET', '/posts', undefined, { 'if-none-match': listTag });
    expect(list.status).toBe(200);
    expect(listPostsResponseSchema.parse(await list.json()).posts[0]!.status).toBe('cancelled');
    expect(list.headers.get('etag')).not.toBe(listTag);
  });
});

describe('a valid token whose account is gone', () => {
  const { rig, call } = rigFor();

  it('is refused with 401 account_not_found on every write by owner, and nothing is written', async () => {
    // A token outlives its account (the row deleted while the token was still valid): sign one for a DID with no row.
    const did = 'did:plc:accountisgonexxxxxxxxxxx';
    const { token } = await (await rig.services.oauth.signer()).sign(did);
    const ghost: User = { did, handle: 'gone.test', token, pdsPassword: '' };
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/posts', { items: [{ text: 'hello' }], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }],
      ['POST', '/posts', { items: [{ text: 'a draft' }] }],
      ['POST', '/media', { kind: 'image', type: 'image/png', size: 100, alt: '' }],
      ['POST', '/link-preview', { url: 'https://example.com/' }],
      ['PUT', '/settings', { timeZone: 'Asia/Tokyo' }],
      ['GET', '/me', undefined],
    ];
    for (const [method, path, body] of writes) {
      const response = await call(ghost, method, path, body);
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'account_not_found', issues: [{ path: 'authorization' }] } });
    }
    const { rows } = await rig.database.db.$client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM posts WHERE owner_did = $1) + (SELECT count(*) FROM media WHERE owner_did = $1)
            + (SELECT count(*) FROM link_previews WHERE owner_did = $1) + (SELECT count(*) FROM account_settings WHERE did = $1) AS n`,
      [did],
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
