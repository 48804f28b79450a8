import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMessage } from '@chronopost/shared-schemas';
import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOptions,
  createDatabase,
  type Database,
  describeOauthSession,
  findMedia,
  findPost,
  knownMigrations,
  listAttempts,
  listNotifications,
  migrateDatabase,
  MIGRATIONS_TABLE,
  migrationsFolder,
  quoteIdent,
  readMigrationStatus,
} from '../src';

/**
 * The data upgrade, tested on data: a schema migrated only as far as a release that stored
 * sentences (and knew the `refreshing` session state) is filled with rows in those shapes, then
 * migrated to the head. Every row must come through in the new shape, readable by the code.
 */
const OLD_RELEASE = '0006_media_pipeline';

/** A migrations folder holding the repository's migrations up to `tag` (a copy: the repository's journal is not touched). */
function folderUpTo(tag: string): string {
  const source = migrationsFolder();
  const journal = JSON.parse(readFileSync(join(source, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((entry) => entry.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  const folder = mkdtempSync(join(tmpdir(), 'chronopost-upgrade-'));
  mkdirSync(join(folder, 'meta'));
  const entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) copyFileSync(join(source, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  return folder;
}

const DID = 'did:plc:upgrade';
const SECRET = "decode('00ff', 'hex'), decode('00ff', 'hex'), 'key-1'";

describe(`a database of release ${OLD_RELEASE}, with data, migrated to the head`, () => {
  let database: TestDatabase;
  let client: pg.Client;
  const schema = 'upgrade';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    client = new pg.Client(connectionOptions({ url: database.config.url, schema }));
    await client.connect();
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    const folder = folderUpTo(OLD_RELEASE);
    try {
      await migrate(drizzle(client), { migrationsFolder: folder, migrationsSchema: schema, migrationsTable: MIGRATIONS_TABLE });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect((await readMigrationStatus(drizzle(client), schema)).applied).toBe(OLD_RELEASE);

    // Rows as the old release wrote them: sentences, the refreshing state, unconstrained classes.
    const sql = async (text: string, params: unknown[] = []) => (await client.query(text, params)).rows;
    await sql(
      `INSERT INTO accounts (did, handle, pds_url) VALUES ($1, 'upgrade.test', 'http://pds'),
      ('did:plc:refreshing', 'r.test', 'http://pds'), ('did:plc:expired', 'e.test', 'http://pds'),
      ('did:plc:revoked', 'v.test', 'http://pds'), ('did:plc:unusable', 'u.test', 'http://pds')`,
      [DID],
    );
    await sql(
      `INSERT INTO oauth_sessions (did, state, ciphertext, encrypted_data_key, key_id, client_id) VALUES
      ($1, 'active', ${SECRET}, 'c'), ('did:plc:refreshing', 'refreshing', ${SECRET}, 'c')`,
      [DID],
    );
    await sql(`INSERT INTO oauth_sessions (did, state, client_id, ended_at, end_reason) VALUES
      ('did:plc:expired', 'expired', 'c', now(), 'Your Bluesky login expired. Log in again to keep your scheduled posts going.'),
      ('did:plc:revoked', 'revoked', 'c', now(), 'Bluesky no longer accepts Chronopost''s access (it was revoked). Log in again to keep your scheduled posts going.'),
      ('did:plc:unusable', 'expired', 'c', now(), 'Your Bluesky login could not be renewed. Log in again to keep your scheduled posts going.')`);
    const post = async (name: string, status: string, lastError: string | null, lastErrorClass: string | null) => {
      const [row] = await sql(
        `INSERT INTO posts (owner_did, status, scheduled_at, last_error, last_error_class) VALUES ($1, $2, ${status === 'draft' ? 'NULL' : "'2026-12-01T10:00:00Z'"}, $3, $4) RETURNING id`,
        [DID, status, lastError, lastErrorClass],
      );
      ids[name] = (row as { id: string }).id;
      await sql(`INSERT INTO post_items (post_id, owner_did, position, text) VALUES ($1, $2, 0, $3)`, [ids[name], DID, `${name} text`]);
    };
    await post('blocked', 'blocked', 'Your Bluesky login expired. Log in again to keep your scheduled posts going.', 'session_ended');
    await post('loggedOut', 'blocked', 'You logged out of Chronopost.', 'session_ended');
    await post('failed', 'failed', 'The PDS refused the post: InvalidRecord.', 'validation');
    await post('oddClass', 'failed', 'Something odd.', 'gremlins');
    await post('draft', 'draft', null, null);
    await sql(
      `INSERT INTO publish_attempts (post_id, attempt, finished_at, outcome, error_class, message) VALUES
      ($1, 1, now(), 'retrying', 'server', 'The PDS answered 503.'),
      ($1, 2, now(), 'failed', 'validation', 'The PDS refused the post: InvalidRecord.'),
      ($1, 3, now(), 'exploded', 'gremlins', NULL)`,
      [ids.failed],
    );
    await sql(
      `INSERT INTO notifications (owner_did, kind, message, details, dedupe_key) VALUES
      ($1, 'session_ended', 'Your Bluesky login expired. 2 scheduled posts are on hold until you log in again.', '{"state":"expired","blockedPosts":2}', 'a'),
      ($1, 'session_ended', 'You logged out of Chronopost.', '{"state":"logged_out","blockedPosts":1}', 'b'),
      ($1, 'session_ended', 'Bluesky no longer accepts…', '{"state":"revoked","blockedPosts":0}', 'c'),
      ($1, 'posts_resumed', 'Welcome back.', '{"resumed":2,"missed":1}', 'd'),
      ($1, 'session_ends_soon', 'Your Bluesky login ends…', '{"endsAt":"2026-12-20T10:00:00.000Z"}', 'e')`,
      [DID],
    );

    // Uploads of the media release: rejection reasons as bare text (known or not), notes unconstrained.
    const upload = async (name: string, state: string, error: string | null, notes = '{}') => {
      const [row] = await sql(
        `INSERT INTO media (owner_did, s3_key, state, declared_mime, declared_bytes, error, notes) VALUES ($1, $2, $3, 'image/png', 1200, $4, $5) RETURNING id`,
        [DID, `uploads/${name}`, state, error, notes],
      );
      ids[`media:${name}`] = (row as { id: string }).id;
    };
    await upload('bomb', 'rejected', 'too_many_pixels');
    await upload('wrongSize', 'rejected', 'too_large');
    await upload('notImage', 'rejected', 'not_an_image');
    await upload('oddReason', 'rejected', 'gremlins');
    await upload('noReason', 'rejected', null);
    await upload('gif', 'ready', null, '{gif_first_frame,looked_odd}');
    await upload('waiting', 'uploading', null);

    const result = await migrateDatabase({ url: database.config.url, schema });
    expect(result.applied).toBe(knownMigrations().at(-1)!.tag);
    upgraded = createDatabase({ url: database.config.url, schema });
  });

  afterAll(async () => {
    await upgraded?.$client.end();
    await client?.end();
    await database?.drop();
  });

  /** The upgraded schema through the code that reads it. */
  let upgraded: Database;
  const db = () => upgraded;

  it('keeps every session, and a session left `refreshing` is live again', async () => {
    const { rows } = await client.query(`SELECT did, state, end_reason FROM oauth_sessions ORDER BY did`);
    expect(rows).toEqual([
      { did: 'did:plc:expired', state: 'expired', end_reason: 'session_expired' },
      { did: 'did:plc:refreshing', state: 'active', end_reason: null },
      { did: 'did:plc:revoked', state: 'revoked', end_reason: 'session_revoked' },
      { did: 'did:plc:unusable', state: 'expired', end_reason: 'session_unusable' },
      { did: DID, state: 'active', end_reason: null },
    ]);
    const ended = await describeOauthSession(db(), 'did:plc:revoked');
    expect(renderMessage({ code: ended!.endReason! }, 'ja')).toMatch(/取り消されました/);
  });

  it('turns the reasons of held posts into session codes, and other stored sentences into legacy messages', async () => {
    const blocked = await findPost(db(), DID, ids.blocked!);
    expect(blocked).toMatchObject({
      status: 'blocked',
      lastErrorCode: 'session_expired',
      lastErrorParams: {},
      lastErrorClass: 'session_ended',
    });
    expect(renderMessage({ code: blocked!.lastErrorCode!, params: blocked!.lastErrorParams as Record<string, unknown> }, 'ja')).toMatch(
      /有効期限が切れました/,
    );
    expect(await findPost(db(), DID, ids.loggedOut!)).toMatchObject({ lastErrorCode: 'logged_out', lastErrorParams: {} });
    const failed = await findPost(db(), DID, ids.failed!);
    expect(failed).toMatchObject({
      lastErrorCode: 'legacy_message',
      lastErrorParams: { text: 'The PDS refused the post: InvalidRecord.' },
    });
    expect(renderMessage({ code: failed!.lastErrorCode!, params: failed!.lastErrorParams as Record<string, unknown> })).toBe(
      'The PDS refused the post: InvalidRecord.',
    );
    // A class the code never wrote cannot stay under the new CHECK; its sentence is kept.
    expect(await findPost(db(), DID, ids.oddClass!)).toMatchObject({ lastErrorClass: null, lastErrorCode: 'legacy_message' });
    expect(await findPost(db(), DID, ids.draft!)).toMatchObject({ status: 'draft', lastErrorCode: null, lastErrorParams: null });
  });

  it('keeps every attempt, with its sentence as a legacy message and unknown vocabulary cleared', async () => {
    const attempts = await listAttempts(db(), ids.failed!);
    expect(
      attempts.map(({ attempt, outcome, errorClass, reasonCode, reasonParams }) => ({
        attempt,
        outcome,
        errorClass,
        reasonCode,
        reasonParams,
      })),
    ).toEqual([
      {
        attempt: 1,
        outcome: 'retrying',
        errorClass: 'server',
        reasonCode: 'legacy_message',
        reasonParams: { text: 'The PDS answered 503.' },
      },
      {
        attempt: 2,
        outcome: 'failed',
        errorClass: 'validation',
        reasonCode: 'legacy_message',
        reasonParams: { text: 'The PDS refused the post: InvalidRecord.' },
      },
      { attempt: 3, outcome: null, errorClass: null, reasonCode: null, reasonParams: null },
    ]);
  });

  it('keeps every notification, each rendering in English and Japanese from its code and details', async () => {
    const rows = await listNotifications(db(), DID, { limit: 10, includeDismissed: true });
    expect(rows).toHaveLength(5);
    const byKey = new Map(rows.map((row) => [row.dedupeKey, row]));
    expect(byKey.get('a')!.details).toEqual({ state: 'expired', reason: 'session_expired', blockedPosts: 2 });
    expect(byKey.get('b')!.details).toMatchObject({ reason: 'logged_out' });
    expect(byKey.get('c')!.details).toMatchObject({ reason: 'session_revoked' });
    for (const row of rows) {
      expect(row).toMatchObject({ readAt: null, dismissedAt: null });
      for (const locale of ['en', 'ja'] as const) {
        const text = renderMessage({ code: row.kind, params: row.details as Record<string, unknown> }, locale);
        expect(text, `${row.dedupeKey} ${locale}`).not.toMatch(/Something went wrong|エラーが発生しました/);
      }
    }
    expect(renderMessage({ code: 'session_ended', params: byKey.get('a')!.details as Record<string, unknown> })).toBe(
      'Your Bluesky login expired. Log in again to keep your scheduled posts going. 2 scheduled posts are on hold until you log in again.',
    );
  });

  it('turns the reasons of rejected uploads into catalogue codes with their params, each rendering in both languages', async () => {
    const media = async (name: string) => (await findMedia(db(), DID, ids[`media:${name}`]!))!;
    const reasons = Object.fromEntries(
      await Promise.all(
        ['bomb', 'wrongSize', 'notImage', 'oddReason', 'noReason', 'gif', 'waiting'].map(async (name) => {
          const row = await media(name);
          return [name, { state: row.state, code: row.reasonCode, params: row.reasonParams, notes: row.notes }] as const;
        }),
      ),
    );
    expect(reasons).toEqual({
      bomb: { state: 'rejected', code: 'too_many_pixels', params: { maxMegapixels: 64 }, notes: [] },
      wrongSize: { state: 'rejected', code: 'too_large', params: { maxBytes: 30 * 1024 * 1024, declaredBytes: 1200 }, notes: [] },
      notImage: { state: 'rejected', code: 'not_an_image', params: {}, notes: [] },
      // What the API showed for a reason it did not know.
      oddReason: { state: 'rejected', code: 'damaged', params: {}, notes: [] },
      noReason: { state: 'rejected', code: 'damaged', params: {}, notes: [] },
      gif: { state: 'ready', code: null, params: null, notes: ['gif_first_frame'] },
      waiting: { state: 'uploading', code: null, params: null, notes: [] },
    });
    for (const [name, reason] of Object.entries(reasons)) {
      for (const code of [...(reason.code ? [reason.code] : []), ...reason.notes]) {
        for (const locale of ['en', 'ja'] as const) {
          const params = code === reason.code ? (reason.params ?? {}) : {};
          expect(renderMessage({ code, params }, locale), `${name} ${locale}`).not.toMatch(/Something went wrong|エラーが発生しました/);
        }
      }
    }
    expect(renderMessage({ code: 'too_many_pixels', params: reasons.bomb!.params! })).toBe(
      'The image has too many pixels (more than 64 megapixels).',
    );
  });

  it('drops the sentence columns', async () => {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1
         AND (table_name, column_name) IN (('posts', 'last_error'), ('publish_attempts', 'message'), ('notifications', 'message'), ('media', 'error'))`,
      [schema],
    );
    expect(rows).toEqual([]);
  });
});
