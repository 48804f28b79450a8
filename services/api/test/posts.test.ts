import { TID } from '@atproto/common-web';
import { media, publishAttempts } from '@chronopost/db';
import { listPostsResponseSchema, postResponseSchema, postSchema } from '@chronopost/shared-schemas';
import { type HttpServices, useHttpServices } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';

type User = Awaited<ReturnType<HttpServices['signUp']>>;

describe('scheduling API', () => {
  const rig = useHttpServices();
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([rig.services.signUp(), rig.services.signUp()]);
  });

  const call = (user: User, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rig.services.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const inAnHour = () => new Date(Date.now() + 3600_000);
  const at = (date: Date) => date.toISOString();
  const create = async (user: User, body: unknown) => {
    const response = await call(user, 'POST', '/posts', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return postResponseSchema.parse(await response.json());
  };
  const errorOf = async (response: Response) =>
    (await response.json()) as { error: { code: string; issues?: Array<{ path: string; code: string }> } };

  it('creates a scheduled post with record keys from its time, facets and a Location', async () => {
    const when = inAnHour();
    const response = await call(alice, 'POST', '/posts', {
      items: [{ text: `Hello 👋 @${bob.handle} see https://atproto.com #日本語`, langs: ['EN', 'ja'] }],
      scheduledAt: at(when),
    });
    expect(response.status).toBe(201);
    const post = postResponseSchema.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/posts/${post.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(post).toMatchObject({ status: 'scheduled', scheduledAt: at(when), version: 1, warnings: [] });
    const [item] = post.items;
    expect(item!.langs).toEqual(['en', 'ja']);
    expect(item!.facets.map((facet) => [facet.type, facet.value])).toEqual([
      ['mention', bob.handle],
      ['link', 'https://atproto.com'],
      ['tag', '日本語'],
    ]);
    const tid = TID.fromStr(item!.rkey!);
    expect(tid.timestamp()).toBe(when.getTime() * 1000);
  });

  it('keeps a thread in order with distinct keys and the author’s time zone', async () => {
    const post = await create(alice, {
      items: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
      scheduledAt: '2027-01-15T09:30:00[Asia/Tokyo]',
    });
    expect(post.scheduledAt).toBe('2027-01-15T00:30:00.000Z');
    expect(post.timeZone).toBe('Asia/Tokyo');
    expect(post.items.map((item) => item.text)).toEqual(['one', 'two', 'three']);
    const keys = post.items.map((item) => item.rkey!);
    expect(new Set(keys).size).toBe(3);
    expect([...keys].sort()).toEqual(keys);
  });

  it('saves a draft without keys, then schedules it', async () => {
    const draft = await create(alice, { items: [{ text: 'later, maybe' }] });
    expect(draft).toMatchObject({ status: 'draft', scheduledAt: null });
    expect(draft.items[0]!.rkey).toBeNull();

    const when = inAnHour();
    const response = await call(alice, 'POST', `/posts/${draft.id}/schedule`, { scheduledAt: at(when) }, { 'if-match': '"1"' });
    expect(response.status).toBe(200);
    const scheduled = postSchema.parse(await response.json());
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at(when), version: 2 });
    expect(TID.fromStr(scheduled.items[0]!.rkey!).timestamp()).toBe(when.getTime() * 1000);

    const again = await call(alice, 'POST', `/posts/${draft.id}/schedule`, { scheduledAt: at(when) });
    expect(again.status).toBe(409);
  });

  it('edits with optimistic concurrency: the current version wins, a stale one gets 409', async () => {
    const post = await create(alice, { items: [{ text: 'first draft' }], scheduledAt: at(inAnHour()) });
    const later = new Date(Date.now() + 7200_000);

    const edited = await call(
      alice,
      'PATCH',
      `/posts/${post.id}`,
      { items: [{ text: 'second #draft' }], scheduledAt: at(later) },
      { 'if-match': '"1"' },
    );
    expect(edited.status).toBe(200);
    const body = postResponseSchema.parse(await edited.json());
    expect(body).toMatchObject({ version: 2, scheduledAt: at(later) });
    expect(body.items[0]!.facets).toEqual([{ byteStart: 7, byteEnd: 13, type: 'tag', value: 'draft' }]);
    expect(TID.fromStr(body.items[0]!.rkey!).timestamp()).toBe(later.getTime() * 1000);

    const stale = await call(alice, 'PATCH', `/posts/${post.id}`, { items: [{ text: 'lost update' }] }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect((await errorOf(stale)).error.code).toBe('version_conflict');
    const withBodyVersion = await call(alice, 'PATCH', `/posts/${post.id}`, { items: [{ text: 'third' }], version: 2 });
    expect(withBodyVersion.status).toBe(200);

    const unversioned = await call(alice, 'PATCH', `/posts/${post.id}`, { items: [{ text: 'blind write' }] });
    expect(unversioned.status).toBe(428);
    const current = postSchema.parse(await (await call(alice, 'GET', `/posts/${post.id}`)).json());
    expect(current.items[0]!.text).toBe('third');
  });

  it('turns a scheduled post back into a draft with scheduledAt: null', async () => {
    const post = await create(alice, { items: [{ text: 'unschedule me' }], scheduledAt: at(inAnHour()) });
    const response = await call(alice, 'PATCH', `/posts/${post.id}`, { scheduledAt: null, version: 1 });
    expect(postSchema.parse(await response.json())).toMatchObject({ status: 'draft', scheduledAt: null, items: [{ rkey: null }] });
  });

  it('cancels, idempotently, and refuses once published', async () => {
    const post = await create(alice, { items: [{ text: 'cancel me' }], scheduledAt: at(inAnHour()) });
    const cancelled = await call(alice, 'DELETE', `/posts/${post.id}`);
    expect(postSchema.parse(await cancelled.json()).status).toBe('cancelled');
    expect((await call(alice, 'DELETE', `/posts/${post.id}`)).status).toBe(200);
    expect((await call(alice, 'PATCH', `/posts/${post.id}`, { items: [{ text: 'x' }], version: 2 })).status).toBe(409);

    const published = await create(alice, { items: [{ text: 'already out' }], scheduledAt: at(inAnHour()) });
    await rig.database.db.$client.query(`UPDATE posts SET status = 'published', published_at = now() WHERE id = $1`, [published.id]);
    const refused = await call(alice, 'DELETE', `/posts/${published.id}`);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).error.code).toBe('invalid_status');
  });

  it('retries a failed post with the same record keys, and its attempts are listed', async () => {
    const post = await create(alice, { items: [{ text: 'will fail once' }], scheduledAt: at(inAnHour()) });
    await rig.database.db.$client.query(
      `UPDATE posts SET status = 'failed', attempts = 1, last_error_code = 'pds_server_error', last_error_params = '{"status":503}' WHERE id = $1`,
      [post.id],
    );
    await rig.database.db.insert(publishAttempts).values({
      postId: post.id,
      attempt: 1,
      startedAt: new Date(Date.now() - 5000),
      finishedAt: new Date(Date.now() - 4000),
      outcome: 'failed',
      errorClass: 'server',
      reasonCode: 'pds_server_error',
      reasonParams: { status: 503 },
      latencyMs: 1000,
    });

    const response = await call(alice, 'POST', `/posts/${post.id}/retry`);
    expect(response.status).toBe(200);
    const retried = postSchema.parse(await response.json());
    expect(retried.status).toBe('scheduled');
    expect(retried.lastError).toBeNull();
    expect(retried.items[0]!.rkey).toBe(post.items[0]!.rkey);

    const attempts = (await (await call(alice, 'GET', `/posts/${post.id}/attempts`)).json()) as { attempts: Array<{ outcome: string }> };
    expect(attempts.attempts).toMatchObject([
      { outcome: 'failed', errorClass: 'server', code: 'pds_server_error', params: { status: 503 }, latencyMs: 1000 },
    ]);
    expect((await call(alice, 'POST', `/posts/${post.id}/retry`)).status).toBe(409);
  });

  it('draws a new clock id when an edit would give a post another post’s record keys', async () => {
    const when = inAnHour();
    const first = await create(alice, { items: [{ text: 'first' }], scheduledAt: at(when) });
    const second = await create(alice, { items: [{ text: 'second' }], scheduledAt: at(new Date(when.getTime() + 60_000)) });
    // Give the second post the first one's clock id: moving it to the same instant must collide once.
    const clockId = TID.fromStr(first.items[0]!.rkey!).clockid();
    await rig.database.db.$client.query('UPDATE posts SET clock_id = $2 WHERE id = $1', [second.id, clockId]);

    const response = await call(alice, 'PATCH', `/posts/${second.id}`, { scheduledAt: at(when), version: second.version });
    expect(response.status, await response.clone().text()).toBe(200);
    const moved = postSchema.parse(await response.json());
    expect(moved.scheduledAt).toBe(at(when));
    expect(moved.items[0]!.rkey).not.toBe(first.items[0]!.rkey);
    expect(TID.fromStr(moved.items[0]!.rkey!).timestamp()).toBe(when.getTime() * 1000);
    // Another account may hold the very same key: keys are per repository.
    await rig.database.db.$client.query('UPDATE posts SET clock_id = $2 WHERE id = $1', [second.id, clockId]);
    const bobs = await create(bob, { items: [{ text: 'bob at the same instant' }], scheduledAt: at(new Date(when.getTime() + 120_000)) });
    await rig.database.db.$client.query('UPDATE posts SET clock_id = $2 WHERE id = $1', [bobs.id, clockId]);
    const same = await call(bob, 'PATCH', `/posts/${bobs.id}`, { scheduledAt: at(when), version: bobs.version });
    expect(same.status).toBe(200);
    expect(postSchema.parse(await same.json()).items[0]!.rkey).toBe(first.items[0]!.rkey);
  });

  it("treats someone else's post as missing", async () => {
    const post = await create(alice, { items: [{ text: 'mine' }], scheduledAt: at(inAnHour()) });
    for (const [method, path, body] of [
      ['GET', `/posts/${post.id}`],
      ['GET', `/posts/${post.id}/attempts`],
      ['PATCH', `/posts/${post.id}`, { items: [{ text: 'hijack' }], version: 1 }],
      ['DELETE', `/posts/${post.id}`],
      ['POST', `/posts/${post.id}/retry`],
    ] as const) {
      const response = await call(bob, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await errorOf(response)).error.code).toBe('post_not_found');
    }
    const list = listPostsResponseSchema.parse(await (await call(bob, 'GET', '/posts?limit=100')).json());
    expect(list.posts.some((item) => item.id === post.id)).toBe(false);
    expect(postSchema.parse(await (await call(alice, 'GET', `/posts/${post.id}`)).json()).items[0]!.text).toBe('mine');
  });

  it('refuses images that are not the caller’s uploads, and accepts their own', async () => {
    const [mine] = await rig.database.db
      .insert(media)
      .values({ ownerDid: alice.did, s3Key: `uploads/${alice.did}/a.png`, state: 'ready' })
      .returning();
    const [theirs] = await rig.database.db
      .insert(media)
      .values({ ownerDid: bob.did, s3Key: `uploads/${bob.did}/b.png`, state: 'ready' })
      .returning();
    const refused = await call(alice, 'POST', '/posts', {
      items: [
        {
          text: '',
          embed: {
            type: 'images',
            images: [
              { mediaId: mine!.id, alt: 'ok' },
              { mediaId: theirs!.id, alt: 'not mine' },
            ],
          },
        },
      ],
      scheduledAt: at(inAnHour()),
    });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).error.issues).toEqual([
      expect.objectContaining({ path: 'items.0.embed.images.1.mediaId', code: 'media_not_found' }),
    ]);

    const accepted = await create(alice, {
      items: [{ text: '', embed: { type: 'images', images: [{ mediaId: mine!.id, alt: 'a cat' }] } }],
      scheduledAt: at(inAnHour()),
    });
    expect(accepted.items[0]!.embed).toEqual({ type: 'images', images: [{ mediaId: mine!.id, alt: 'a cat' }] });
  });

  it('warns about mentions it cannot resolve, but keeps the post', async () => {
    const post = await create(alice, { items: [{ text: 'hi @nobody-at-all.test and @' + bob.handle }], scheduledAt: at(inAnHour()) });
    expect(post.warnings).toEqual([expect.objectContaining({ path: 'items.0.text', code: 'unresolved_mention' })]);
    expect(post.warnings[0]!.message).toContain('@nobody-at-all.test');
  });

  it.each([
    ['a time too soon', { items: [{ text: 'x' }], scheduledAt: new Date(Date.now() + 5000).toISOString() }, 'scheduledAt', 'too_soon'],
    [
      'a time more than a year ahead',
      { items: [{ text: 'x' }], scheduledAt: new Date(Date.now() + 400 * 86_400_000).toISOString() },
      'scheduledAt',
      'too_far',
    ],
    ['a time without offset or zone', { items: [{ text: 'x' }], scheduledAt: '2027-01-01T10:00:00' }, 'scheduledAt', 'invalid_time'],
    ['four languages', { items: [{ text: 'x', langs: ['en', 'fr', 'de', 'es'] }] }, 'items.0.langs', 'too_big'],
    ['a made-up language', { items: [{ text: 'x', langs: ['english!'] }] }, 'items.0.langs.0', 'invalid_language'],
    ['an unknown label', { items: [{ text: 'x', labels: ['spicy'] }] }, 'items.0.labels.0', 'invalid_value'],
    ['an empty post', { items: [{ text: '  ' }] }, 'items.0.text', 'empty'],
    [
      'two embeds in one',
      { items: [{ text: 'x', embed: { type: 'quote', uri: 'at://did:plc:a/app.bsky.feed.post/3k', extra: 1 } }] },
      'items.0.embed',
      'unrecognized_keys',
    ],
    [
      'a quote of something that is not a post',
      { items: [{ text: 'x', embed: { type: 'quote', uri: 'https://example.com' } }] },
      'items.0.embed.uri',
      'invalid_post_uri',
    ],
    ['a 26-post thread', { items: Array.from({ length: 26 }, () => ({ text: 'x' })) }, 'items', 'too_big'],
  ])('answers 400 with the field for %s', async (_, body, path, code) => {
    const before = await rig.database.db.$client.query('SELECT count(*)::int AS n FROM posts');
    const response = await call(alice, 'POST', '/posts', body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.issues).toContainEqual(expect.objectContaining({ path, code }));
    const after = await rig.database.db.$client.query('SELECT count(*)::int AS n FROM posts');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('accepts a bsky.app link as the post to quote', async () => {
    const post = await create(alice, {
      items: [{ text: 'look', embed: { type: 'quote', uri: 'https://bsky.app/profile/alice.bsky.social/post/3kabc' } }],
    });
    expect(post.items[0]!.embed).toEqual({ type: 'quote', uri: 'at://alice.bsky.social/app.bsky.feed.post/3kabc' });
  });
});

describe('listing posts', () => {
  const rig = useHttpServices();
  let carol: User;

  beforeAll(async () => {
    carol = await rig.services.signUp();
  });

  const list = async (query: string) => {
    const response = await fetch(`${rig.services.url}/posts?${query}`, { headers: { authorization: `Bearer ${carol.token}` } });
    expect(response.status, await response.clone().text()).toBe(200);
    return listPostsResponseSchema.parse(await response.json());
  };
  const post = (text: string, minutes: number | null) =>
    fetch(`${rig.services.url}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carol.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [{ text }],
        ...(minutes === null ? {} : { scheduledAt: new Date(Date.now() + minutes * 60_000).toISOString() }),
      }),
    }).then(async (response) => postSchema.parse(await response.json()));

  it('pages by scheduled time, stable while posts are added, drafts last', async () => {
    const created = [];
    for (let minute = 1; minute <= 12; minute++) created.push(await post(`p${minute}`, 60 + minute * 10));
    const draft = await post('draft', null);

    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const result: { posts: Array<{ id: string; items: Array<{ text: string }> }>; nextCursor: string | null } = await list(
        `limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...result.posts.map((item) => item.items[0]!.text));
      cursor = result.nextCursor;
      // Meanwhile, new posts land before and after the page boundary.
      if (page++ === 0) {
        await post('early insert', 61);
        await post('late insert', 500);
      }
    } while (cursor);

    const expectedOrder = created.map((item) => item.items[0]!.text);
    // Everything that existed appears exactly once, in order; what was added after the cursor
    // passed (early insert) does not appear, what was added ahead of it does.
    expect(seen.filter((text) => expectedOrder.includes(text))).toEqual(expectedOrder);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('early insert');
    expect(seen).toContain('late insert');
    expect(seen.at(-1)).toBe(draft.items[0]!.text);
  });

  it('filters by status and time range, newest first on request', async () => {
    const from = new Date(Date.now() + 60 * 60_000 + 25 * 60_000).toISOString();
    const to = new Date(Date.now() + 60 * 60_000 + 55 * 60_000).toISOString();
    const window = await list(`status=scheduled&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&order=desc`);
    const times = window.posts.map((item) => Date.parse(item.scheduledAt!));
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((time) => time >= Date.parse(from) && time < Date.parse(to))).toBe(true);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const drafts = await list('status=draft');
    expect(drafts.posts.every((item) => item.status === 'draft')).toBe(true);
  });

  it('refuses a forged cursor and bad filters with the field', async () => {
    for (const [query, path] of [
      ['cursor=not-ours', 'cursor'],
      ['status=sent', 'status.0'],
      ['limit=500', 'limit'],
      ['from=yesterday', 'from'],
    ] as const) {
      const response = await fetch(`${rig.services.url}/posts?${query}`, { headers: { authorization: `Bearer ${carol.token}` } });
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: { issues: Array<{ path: string }> } };
      expect(body.error.issues.map((issue) => issue.path)).toContain(path);
    }
  });
});
