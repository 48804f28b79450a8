import { postSchema } from '@chronopost/shared-schemas';
import { captureOutput, type HttpServices, useHttpServices } from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';

type User = Awaited<ReturnType<HttpServices['signUp']>>;
type ErrorBody = { error: { code: string; issues?: Array<{ path: string; code: string }> } };

/** One regression test per finding of the hostile-input review (each once answered 500). */
describe('hostile input', () => {
  const rig = useHttpServices();
  let alice: User;
  beforeAll(async () => {
    alice = await rig.services.signUp();
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rig.services.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
  const countPosts = async () => (await rig.database.db.$client.query('SELECT count(*)::int AS n FROM posts')).rows[0].n as number;
  const refused = async (response: Response, path: string, code?: string) => {
    expect(response.status, await response.clone().text()).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.issues).toContainEqual(expect.objectContaining({ path, ...(code ? { code } : {}) }));
  };
  const draft = async () => postSchema.parse(await (await call('POST', '/posts', { items: [{ text: 'a draft' }] })).json());

  it('1: refuses NUL and lone surrogates in embed fields and %00 in a quoted link, on POST and PATCH, writing nothing', async () => {
    const before = await countPosts();
    const cases: Array<[unknown, string, string]> = [
      [{ type: 'external', uri: 'https://example.com', title: 'a\u0000b' }, 'items.0.embed.title', 'control_character'],
      [{ type: 'external', uri: 'https://example.com', description: 'x\uD800y' }, 'items.0.embed.description', 'invalid_unicode'],
      [{ type: 'external', uri: 'https://example.com/\u0000' }, 'items.0.embed.uri', ''],
      [{ type: 'quote', uri: 'https://bsky.app/profile/alice%00.test/post/3kabc' }, 'items.0.embed.uri', 'invalid_post_uri'],
    ];
    const post = await draft();
    for (const [embed, path, code] of cases) {
      await refused(await call('POST', '/posts', { items: [{ text: 'x', embed }], scheduledAt: inAnHour() }), path, code || undefined);
      await refused(await call('PATCH', `/posts/${post.id}`, { items: [{ text: 'x', embed }], version: 1 }), path, code || undefined);
    }
    expect(await countPosts()).toBe(before + 1);
  });

  it('2: refuses a quoted link with a broken percent-escape', async () => {
    const embed = { type: 'quote', uri: 'https://bsky.app/profile/%E0%A4%A/post/abc' };
    await refused(await call('POST', '/posts', { items: [{ text: 'x', embed }] }), 'items.0.embed.uri', 'invalid_post_uri');
  });

  it('3: refuses a version beyond a 32-bit integer on PATCH, schedule and retry', async () => {
    const post = await draft();
    const version = 2 ** 31;
    await refused(await call('PATCH', `/posts/${post.id}`, { items: [{ text: 'y' }], version }), 'version', 'too_big');
    await refused(await call('POST', `/posts/${post.id}/schedule`, { scheduledAt: inAnHour(), version }), 'version', 'too_big');
    await refused(await call('POST', `/posts/${post.id}/retry`, { version }), 'version', 'too_big');
  });

  it('4: refuses a cursor or a time filter in year 0000', async () => {
    const cursor = Buffer.from(JSON.stringify({ s: '0000-01-01T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000' })).toString(
      'base64url',
    );
    await refused(await call('GET', `/posts?cursor=${cursor}`), 'cursor', 'invalid_cursor');
    await refused(await call('GET', `/posts?from=${encodeURIComponent('0000-01-01T00:00:00Z')}`), 'from', 'invalid_time');
  });

  it('5: deletes (cancels) a draft', async () => {
    const post = await draft();
    const response = await call('DELETE', `/posts/${post.id}`);
    expect(response.status).toBe(200);
    expect(postSchema.parse(await response.json())).toMatchObject({ status: 'cancelled', scheduledAt: null });
  });

  it('6: answers a malformed cookie on /auth/refresh, /auth/logout and /oauth/callback without a 500', async () => {
    for (const cookie of ['chronopost_refresh=%E0%A4%A', 'chronopost_refresh=%', 'chronopost_login=%E0%A4%A']) {
      const refresh = await fetch(`${rig.services.url}/auth/refresh`, { method: 'POST', headers: { cookie } });
      expect(refresh.status, cookie).toBe(401);
      expect(((await refresh.json()) as ErrorBody).error.issues?.[0]?.path).toBeTruthy();
      const logout = await fetch(`${rig.services.url}/auth/logout`, { method: 'POST', headers: { cookie } });
      expect(logout.status, cookie).toBe(204);
      const callback = await fetch(`${rig.services.url}/oauth/callback?state=abc&code=x`, { headers: { cookie }, redirect: 'manual' });
      expect(callback.status, cookie).toBe(303);
    }
  });

  it('7: refuses an oversized OAuth state before looking it up', async () => {
    const response = await fetch(`${rig.services.url}/oauth/callback?state=${'a'.repeat(3000)}&code=x`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('login_error')).toBe('invalid_request');
  });

  it('8: answers a path with a broken percent-escape with 400, before authentication and without an error log', async () => {
    const output = captureOutput();
    try {
      for (const segment of ['%E0%A4%A', '%', '%ZZ']) {
        const response = await fetch(`${rig.services.url}/posts/${segment}`);
        expect(response.status, segment).toBe(400);
        expect(await response.json()).toEqual({ message: 'Bad Request' });
      }
    } finally {
      output.restore();
    }
    expect(
      output
        .text()
        .split('\n')
        .filter((line) => line.includes('"level":"ERROR"')),
    ).toEqual([]);
  });

  it('9: names the field, or body, for unknown keys, a body that is not an object, and nothing to change', async () => {
    const post = await draft();
    await refused(await call('POST', '/posts', { items: [{ text: 'x' }], colour: 'red' }), 'body', 'unrecognized_keys');
    await refused(await call('POST', '/posts', '[1,2]'), 'body', 'invalid_type');
    await refused(await call('POST', '/posts', 'null'), 'body', 'invalid_type');
    await refused(await call('POST', '/posts', '{"items": ['), 'body', 'invalid_json');
    await refused(await call('PATCH', `/posts/${post.id}`, { version: 1 }), 'body', 'nothing_to_change');
  });

  it('10: refuses NUL in an upload’s alt text and in captions (PostgreSQL would refuse it: a 500), and takes CRLF captions', async () => {
    await refused(
      await call('POST', '/media', { kind: 'video', type: 'video/mp4', size: 1000, alt: 'a\u0000b' }),
      'alt',
      'control_character',
    );
    const started = await call('POST', '/media', { kind: 'video', type: 'video/mp4', size: 1000 });
    expect(started.status, await started.clone().text()).toBe(201);
    const { media } = (await started.json()) as { media: { id: string } };
    await refused(
      await call('PUT', `/media/${media.id}/captions/en`, { vtt: 'WEBVTT\n\n00:00.000 --> 00:01.000\nhi\u0000' }),
      'vtt',
      'control_character',
    );
    await refused(await call('PUT', `/media/${media.id}/captions/en`, { vtt: 'WEBVTT\n\nlone \uD800' }), 'vtt', 'invalid_unicode');
    // Windows line endings are WebVTT too.
    const crlf = await call('PUT', `/media/${media.id}/captions/ja`, { vtt: 'WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nこんにちは\r\n' });
    expect(crlf.status, await crlf.clone().text()).toBe(200);
  });
});
