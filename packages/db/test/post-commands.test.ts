import { accepts, POST_COMMANDS, POST_STATUSES, type PostStatus, UNTIMED_STATUSES } from '@chronopost/core';
import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPost,
  type CommandResult,
  editPost,
  insertPost,
  retryPost,
  schedulePost,
  type Target,
  unschedulePost,
  upsertAccount,
} from '../src';

const OWNER = 'did:plc:lifecycle';
const at = new Date('2027-03-01T10:00:00.000Z');

/** Every user command, run the way the API runs it. */
const COMMANDS = {
  edit: (db: TestDatabase['db'], target: Target) =>
    editPost(db, target, { items: [{ text: 'edited', facets: [], embed: null, langs: [], labels: [] }] }),
  schedule: (db: TestDatabase['db'], target: Target) => schedulePost(db, target, { scheduledAt: { at, timeZone: null } }),
  unschedule: (db: TestDatabase['db'], target: Target) => unschedulePost(db, target),
  cancel: (db: TestDatabase['db'], target: Target) => cancelPost(db, target),
  retry: (db: TestDatabase['db'], target: Target) => retryPost(db, target, { at }),
} satisfies Record<string, (db: TestDatabase['db'], target: Target) => Promise<CommandResult>>;

describe('user post commands × every status', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertAccount(database.db, { did: OWNER, handle: 'lifecycle.test', pdsUrl: 'http://pds.test' });
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A post in `status`, as the system would leave it there (a time unless untimed, nothing attempted). */
  const postIn = async (status: PostStatus) => {
    const untimed = (UNTIMED_STATUSES as readonly string[]).includes(status);
    const id = await insertPost(database.db, {
      ownerDid: OWNER,
      status: untimed ? 'draft' : 'scheduled',
      scheduledAt: untimed ? null : new Date('2027-02-01T10:00:00.000Z'),
      timeZone: null,
      clockId: 5,
      latePolicy: 'skip',
      lateGraceSeconds: 900,
      options: {},
      items: [{ text: 'original', facets: [], embed: null, langs: [], labels: [], rkey: null }],
    });
    await database.db.$client.query('UPDATE posts SET status = $2 WHERE id = $1', [id, status]);
    return id;
  };
  /** The whole stored state of a post: its row and its items, as PostgreSQL sees them. */
  const snapshot = async (id: string) =>
    (
      await database.db.$client.query(
        `SELECT to_jsonb(p) AS post, (SELECT jsonb_agg(to_jsonb(i) ORDER BY position) FROM post_items i WHERE i.post_id = p.id) AS items
         FROM posts p WHERE id = $1`,
        [id],
      )
    ).rows[0];

  const cases = (Object.keys(COMMANDS) as Array<keyof typeof COMMANDS>).flatMap((command) =>
    POST_STATUSES.map((status) => [command, status] as const),
  );

  it.each(cases)('%s on a %s post: the table’s transition, or a refusal that changes nothing', async (command, status) => {
    const id = await postIn(status);
    const before = await snapshot(id);
    const result = await COMMANDS[command](database.db, { ownerDid: OWNER, id });
    const after = await snapshot(id);
    const allowed = accepts(command, status);
    if (allowed) {
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(POST_COMMANDS[command].to as readonly string[]).toContain(after.post.status);
      expect(after.post.version).toBe(before.post.version + 1);
    } else if (command === 'cancel' && status === 'cancelled') {
      // Cancelling is idempotent: the post is returned as it is.
      expect(result).toMatchObject({ ok: true, post: { status: 'cancelled' } });
      expect(after).toEqual(before);
    } else {
      expect(result).toMatchObject({ ok: false, reason: 'invalid_status', current: { status } });
      expect(after).toEqual(before);
    }
  });

  it('refuses a stale version and a post of another account without changing anything', async () => {
    const id = await postIn('scheduled');
    const before = await snapshot(id);
    expect(await cancelPost(database.db, { ownerDid: OWNER, id, version: 7 })).toMatchObject({ ok: false, reason: 'version_conflict' });
    expect(await cancelPost(database.db, { ownerDid: 'did:plc:someone-else', id })).toEqual({ ok: false, reason: 'not_found' });
    expect(await snapshot(id)).toEqual(before);
  });

  it('keeps text and time fixed once something was attempted', async () => {
    const id = await postIn('scheduled');
    await database.db.$client.query('UPDATE posts SET attempts = 1 WHERE id = $1', [id]);
    const before = await snapshot(id);
    for (const command of ['edit', 'unschedule'] as const) {
      expect(await COMMANDS[command](database.db, { ownerDid: OWNER, id })).toMatchObject({ ok: false, reason: 'already_attempted' });
    }
    expect(await snapshot(id)).toEqual(before);
  });
});
