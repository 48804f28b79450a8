import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPost, insertPost, insertPostReturning, isRecordKeyCollision, listPosts, upsertAccount } from '../src';

describe('posts repository', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertAccount(database.db, { did: 'did:plc:repo', handle: 'repo.test', pdsUrl: 'http://pds.test' });
    await upsertAccount(database.db, { did: 'did:plc:other', handle: 'other.test', pdsUrl: 'http://pds.test' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('lists posts exactly as it finds them one by one (every column, every item)', async () => {
    const id = await insertPost(database.db, {
      ownerDid: 'did:plc:repo',
      status: 'scheduled',
      scheduledAt: new Date('2027-01-01T10:00:00.123Z'),
      timeZone: 'Europe/Paris',
      clockId: 513,
      latePolicy: 'publish',
      lateGraceSeconds: 1200,
      options: { replyControl: { mode: 'nobody' }, quoteControl: { allowQuotes: false } },
      items: [
        {
          text: 'root 👋',
          facets: [{ byteStart: 0, byteEnd: 4, type: 'tag', value: 'x' }],
          embed: null,
          langs: ['en'],
          labels: ['nudity'],
          rkey: '3kabcabcabc22',
        },
        {
          text: 'reply',
          facets: [],
          embed: { type: 'quote', uri: 'at://did:plc:a/app.bsky.feed.post/3k' },
          langs: [],
          labels: [],
          rkey: '3kabcabcabc23',
        },
      ],
    });
    await database.db.$client.query(
      `UPDATE posts SET attempts = 2, last_error_code = 'legacy_message', last_error_params = '{"text":"boom"}', last_error_class = 'server' WHERE id = $1`,
      [id],
    );
    const one = await findPost(database.db, 'did:plc:repo', id);
    const [listed] = await listPosts(database.db, 'did:plc:repo', { limit: 10, order: 'asc' });
    expect(listed).toEqual(one);
  });

  it('answers an insert with the rows exactly as a later read finds them (defaults, items in order)', async () => {
    const written = await insertPostReturning(database.db, {
      ownerDid: 'did:plc:repo',
      status: 'draft',
      scheduledAt: null,
      timeZone: null,
      clockId: 9,
      latePolicy: 'skip',
      lateGraceSeconds: 600,
      options: {},
      items: ['one', 'two', 'three'].map((text) => ({ text, facets: [], embed: null, langs: ['ja'], labels: [], rkey: null })),
    });
    expect(written.items.map((item) => item.text)).toEqual(['one', 'two', 'three']);
    expect(written).toEqual(await findPost(database.db, 'did:plc:repo', written.id));
  });

  it('keeps record keys unique per account, and recognises a collision through the driver wrapper', async () => {
    const post = (ownerDid: string, rkey: string) => ({
      ownerDid,
      status: 'scheduled' as const,
      scheduledAt: new Date('2027-02-01T10:00:00Z'),
      timeZone: null,
      clockId: 7,
      latePolicy: 'skip' as const,
      lateGraceSeconds: 900,
      options: {},
      items: [{ text: 'same key', facets: [], embed: null, langs: [], labels: [], rkey }],
    });
    await insertPost(database.db, post('did:plc:repo', '3kzzzzzzzzz22'));
    await expect(insertPost(database.db, post('did:plc:other', '3kzzzzzzzzz22'))).resolves.toBeTypeOf('string');
    const error = await insertPost(database.db, post('did:plc:repo', '3kzzzzzzzzz22')).catch((caught: unknown) => caught);
    expect(isRecordKeyCollision(error)).toBe(true);
    const { rows } = await database.db.$client.query(
      `SELECT count(*)::int AS n FROM posts WHERE owner_did = 'did:plc:repo' AND clock_id = 7`,
    );
    expect(rows[0].n).toBe(1); // the colliding post was not half written
    expect(isRecordKeyCollision(new Error('duplicate key value violates unique constraint "posts_pkey"'))).toBe(false);
  });
});
