import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, type RetentionPolicy } from '../src';

const policy: RetentionPolicy = {
  endedSessionsDays: 90,
  publishedPostsDays: 30,
  failedPostsDays: 7,
  missedPostsDays: 10,
  cancelledPostsDays: 5,
  orphanMediaHours: 24,
  seenNotificationsDays: 30,
  unseenNotificationsDays: 90,
};
const now = new Date('2026-11-22T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);

describe('retention', () => {
  let database: TestDatabase;
  const sql = (text: string, params: unknown[] = []) => database.db.$client.query(text, params);
  const ids = async (table: string, key = 'id') =>
    (await sql(`SELECT ${key} AS id FROM ${table} ORDER BY ${key}`)).rows.map((row: { id: string }) => row.id);
  const counts = async () => ({
    sessions: await ids('oauth_sessions', 'did'),
    posts: await ids('posts'),
    attempts: (await sql('SELECT count(*)::int AS n FROM publish_attempts')).rows[0].n as number,
    media: await ids('media'),
  });
  const post = async (label: string, status: string, at: Date, embed: unknown = null) => {
    const { rows } = await sql(
      `INSERT INTO posts (owner_did, status, scheduled_at, published_at, updated_at) VALUES ('did:plc:keep', $1, $2, $3, $4) RETURNING id`,
      [status, status === 'draft' ? null : at, status === 'published' ? at : null, at],
    );
    await sql(`INSERT INTO post_items (post_id, owner_did, position, text, embed) VALUES ($1, 'did:plc:keep', 0, $2, $3)`, [
      rows[0].id,
      label,
      embed,
    ]);
    return rows[0].id as string;
  };
  const upload = async (created: Date) =>
    (
      await sql(
        `INSERT INTO media (owner_did, s3_key, processed_key, state, created_at) VALUES ('did:plc:keep', $1, $2, 'ready', $3) RETURNING id, s3_key, processed_key`,
        [`uploads/${Math.random()}`, `processed/${Math.random()}`, created],
      )
    ).rows[0] as {
      id: string;
      s3_key: string;
      processed_key: string;
    };
  const images = (mediaId: string) => JSON.stringify({ type: 'images', images: [{ mediaId, alt: 'a picture' }] });

  const doomed = {} as { session: string; posts: string[]; media: string[]; keys: string[] };

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const did of ['did:plc:keep', 'did:plc:ended-long-ago', 'did:plc:ended-lately', 'did:plc:active']) {
      await sql(`INSERT INTO accounts (did, handle, pds_url) VALUES ($1, 'x.test', 'http://pds.test')`, [did]);
    }
    const session = `INSERT INTO oauth_sessions (did, state, client_id, ended_at) VALUES ($1, $2, 'http://localhost', $3)`;
    await sql(session, ['did:plc:ended-long-ago', 'revoked', daysAgo(91)]);
    await sql(session, ['did:plc:ended-lately', 'expired', daysAgo(89)]);
    await sql(
      `INSERT INTO oauth_sessions (did, state, client_id, ciphertext, encrypted_data_key, key_id) VALUES ('did:plc:active', 'active', 'http://localhost', '\\x00', '\\x00', 'k')`,
    );
    doomed.session = 'did:plc:ended-long-ago';

    const onlyOnOldPost = await upload(daysAgo(40));
    const onKeptPost = await upload(daysAgo(40));
    const onlyOnCancelledPost = await upload(daysAgo(40));
    const onCancelledAndDraft = await upload(daysAgo(40));
    const orphanOld = await upload(daysAgo(2));
    await upload(new Date(now.getTime() - 3600_000)); // orphan, but fresh: may be attached any moment
    const oldPublished = await post('published 31 days ago', 'published', daysAgo(31), images(onlyOnOldPost.id));
    await post('published 29 days ago', 'published', daysAgo(29), images(onKeptPost.id));
    const oldFailed = await post('failed 8 days ago', 'failed', daysAgo(8));
    await post('failed 6 days ago', 'failed', daysAgo(6));
    const oldMissed = await post('missed 11 days ago', 'missed', daysAgo(11));
    await post('missed 9 days ago', 'missed', daysAgo(9));
    const oldCancelled = await post('cancelled 6 days ago', 'cancelled', daysAgo(6), images(onlyOnCancelledPost.id));
    const oldCancelledSharing = await post(
      'cancelled 6 days ago, its image on a draft too',
      'cancelled',
      daysAgo(6),
      images(onCancelledAndDraft.id),
    );
    await post('cancelled 4 days ago', 'cancelled', daysAgo(4));
    // Never deleted, however old: posts still to be published or acted on.
    await post('a draft written long ago', 'draft', daysAgo(400), images(onCancelledAndDraft.id));
    await post('held long ago for a login', 'blocked', daysAgo(400));
    await post('scheduled', 'scheduled', new Date(now.getTime() + 3600_000));
    const attempt = `INSERT INTO publish_attempts (post_id, attempt, outcome) VALUES ($1, $2, $3)`;
    await sql(attempt, [oldPublished, 1, 'retrying']);
    await sql(attempt, [oldPublished, 2, 'published']);
    await sql(attempt, [oldFailed, 1, 'failed']);
    await sql(attempt, [oldMissed, 1, 'missed']);
    doomed.posts = [oldPublished, oldFailed, oldMissed, oldCancelled, oldCancelledSharing];
    doomed.media = [onlyOnOldPost.id, orphanOld.id, onlyOnCancelledPost.id];
    doomed.keys = [onlyOnOldPost, orphanOld, onlyOnCancelledPost].flatMap((row) => [row.s3_key, row.processed_key]).sort();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('reports in a dry run exactly what it then deletes, and deletes nothing else', async () => {
    const before = await counts();
    const dry = await applyRetention(database.db, policy, now, { dryRun: true });
    expect(await counts()).toEqual(before);
    expect(dry).toMatchObject({
      dryRun: true,
      endedSessions: 1,
      publishedPosts: 1,
      failedPosts: 1,
      missedPosts: 1,
      cancelledPosts: 2,
      attempts: 4,
      media: 3,
    });

    const real = await applyRetention(database.db, policy, now, { dryRun: false });
    expect({ ...real, dryRun: true, mediaKeys: [...real.mediaKeys].sort() }).toEqual({ ...dry, mediaKeys: [...dry.mediaKeys].sort() });
    // Both objects of each deleted upload, the original and the processed image, go from storage.
    expect([...real.mediaKeys].sort()).toEqual(doomed.keys);
    const after = await counts();
    expect(after.sessions).toEqual(before.sessions.filter((did) => did !== doomed.session));
    expect(after.posts).toEqual(before.posts.filter((id) => !doomed.posts.includes(id)));
    expect(after.attempts).toBe(before.attempts - 4);
    // Their items go with them (cascade); the kept posts keep theirs.
    expect((await sql('SELECT count(*)::int AS n FROM post_items WHERE post_id <> ALL($1)', [after.posts])).rows[0].n).toBe(0);
    expect((await sql('SELECT count(DISTINCT post_id)::int AS n FROM post_items')).rows[0].n).toBe(after.posts.length);
    expect(after.media).toEqual(before.media.filter((id) => !doomed.media.includes(id)));

    // Nothing left to do: a second run deletes nothing.
    expect(await applyRetention(database.db, policy, now, { dryRun: false })).toMatchObject({
      endedSessions: 0,
      publishedPosts: 0,
      failedPosts: 0,
      missedPosts: 0,
      cancelledPosts: 0,
      media: 0,
    });
  });
});

describe('retention of a video upload', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('names its one object once: a checked video is stored as uploaded, its processed key is the original', async () => {
    const key = `uploads/${crypto.randomUUID()}`;
    await database.db.$client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:v', 'v.test', 'http://pds.test')`);
    await database.db.$client.query(
      `INSERT INTO media (owner_did, kind, s3_key, processed_key, state, created_at) VALUES ('did:plc:v', 'video', $1, $1, 'ready', $2)`,
      [key, daysAgo(2)],
    );
    const report = await applyRetention(database.db, policy, now, { dryRun: false });
    expect(report.media).toBe(1);
    expect(report.mediaKeys).toEqual([key]);
  });
});

describe('retention of notifications', () => {
  let database: TestDatabase;
  const sql = (text: string, params: unknown[] = []) => database.db.$client.query(text, params);
  const notification = async (
    label: string,
    options: { created: Date; read?: Date; dismissed?: Date; postId?: string; kind?: string } = { created: now },
  ) =>
    (
      await sql(
        `INSERT INTO notifications (owner_did, kind, details, dedupe_key, created_at, read_at, dismissed_at)
         VALUES ('did:plc:n', $1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          options.kind ?? (options.postId ? 'post_failed' : 'session_ends_soon'),
          options.postId ? { postId: options.postId, excerpt: label } : { endsAt: '2027-01-01T00:00:00Z' },
          label,
          options.created,
          options.read ?? null,
          options.dismissed ?? null,
        ],
      )
    ).rows[0].id as string;
  const remaining = async () =>
    (await sql('SELECT dedupe_key FROM notifications ORDER BY dedupe_key')).rows.map((row: { dedupe_key: string }) => row.dedupe_key);
  const failedPost = async (failed: Date) =>
    (
      await sql(`INSERT INTO posts (owner_did, status, scheduled_at, updated_at) VALUES ('did:plc:n', 'failed', $1, $1) RETURNING id`, [
        failed,
      ])
    ).rows[0].id as string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sql(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:n', 'n.test', 'http://pds.test')`);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('deletes a post’s notifications with the post, seen ones after 30 days, unseen ones after 90', async () => {
    const oldFailure = await failedPost(daysAgo(8));
    const recentFailure = await failedPost(daysAgo(6));
    await notification('about a post retention deletes (unread)', { created: daysAgo(8), postId: oldFailure });
    await notification('about a kept post (unread)', { created: daysAgo(6), postId: recentFailure });
    await notification('about a post already gone', { created: daysAgo(1), postId: '00000000-0000-4000-8000-000000000000' });
    await notification('read 31 days ago', { created: daysAgo(40), read: daysAgo(31) });
    await notification('dismissed 31 days ago, never read', { created: daysAgo(40), dismissed: daysAgo(31) });
    await notification('read 40 days ago, dismissed 29 days ago', { created: daysAgo(41), read: daysAgo(40), dismissed: daysAgo(29) });
    await notification('read 29 days ago', { created: daysAgo(100), read: daysAgo(29) });
    await notification('unseen for 91 days', { created: daysAgo(91) });
    await notification('unseen for 89 days', { created: daysAgo(89) });

    const dry = await applyRetention(database.db, policy, now, { dryRun: true });
    expect(dry.notifications).toBe(6);
    expect(await remaining()).toHaveLength(9);
    const real = await applyRetention(database.db, policy, now, { dryRun: false });
    expect(real).toMatchObject({ failedPosts: 1, notifications: 6 });
    expect(await remaining()).toEqual(['about a kept post (unread)', 'read 29 days ago', 'unseen for 89 days']);
  });
});
