import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase, createDatabase, knownMigrations, migrateDatabase, migrationsFolder } from '../src';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await database.drop();
  });

  const tablesIn = async (schema: string) => {
    const result = await database.db.$client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    return result.rows.map((row) => row.table_name);
  };

  it('apply into two schemas of one database side by side', async () => {
    const [first, second] = await Promise.all([
      migrateDatabase({ url: database.config.url, schema: 'pr_101' }),
      migrateDatabase({ url: database.config.url, schema: 'pr_102' }),
    ]);
    const latest = knownMigrations().at(-1)!.tag;
    expect(first.applied).toBe(latest);
    expect(second.applied).toBe(latest);

    const expected = [
      '__drizzle_migrations',
      'account_settings',
      'accounts',
      'app_refresh_tokens',
      'link_previews',
      'media',
      'notifications',
      'oauth_sessions',
      'post_items',
      'posts',
      'publish_attempts',
      'video_uploads',
    ];
    expect(await tablesIn('pr_101')).toEqual(expected);
    expect(await tablesIn('pr_102')).toEqual(expected);
    expect(await tablesIn('public')).toEqual([]);
  });

  it('keep the schemas apart: a row written through one is not seen through the other', async () => {
    const one = createDatabase({ url: database.config.url, schema: 'pr_101' });
    const two = createDatabase({ url: database.config.url, schema: 'pr_102' });
    try {
      await one.$client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:one', 'one.test', 'http://pds')`);
      expect((await one.$client.query('SELECT did FROM accounts')).rows).toEqual([{ did: 'did:plc:one' }]);
      expect((await two.$client.query('SELECT did FROM accounts')).rows).toEqual([]);
      // Foreign keys point inside their own schema.
      await expect(two.$client.query(`INSERT INTO posts (owner_did, status) VALUES ('did:plc:one', 'draft')`)).rejects.toThrow(
        /foreign key/,
      );
    } finally {
      await Promise.all([one.$client.end(), two.$client.end()]);
    }
  });

  it('are idempotent and serialised when run concurrently on one schema', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase({ url: database.config.url, schema: 'pr_103' })));
    expect(new Set(runs.map((run) => run.applied)).size).toBe(1);
    const applied = await database.db.$client.query('SELECT count(*)::int AS n FROM pr_103.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(knownMigrations().length);
  });

  it('are reported by the health check, with nothing pending', async () => {
    const db = createDatabase({ url: database.config.url, schema: 'pr_101' });
    try {
      const health = await checkDatabase(db, 'pr_101');
      expect(health).toMatchObject({ reachable: true, schema: 'pr_101', migration: knownMigrations().at(-1)!.tag, pendingMigrations: 0 });
      const empty = await checkDatabase(db, 'pr_never_migrated');
      expect(empty).toMatchObject({ reachable: true, migration: null, pendingMigrations: knownMigrations().length });
    } finally {
      await db.$client.end();
    }
  });

  it('enforce the post states in SQL', async () => {
    const db = createDatabase({ url: database.config.url, schema: 'pr_102' });
    try {
      await db.$client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:two', 'two.test', 'http://pds')`);
      await expect(
        db.$client.query(`INSERT INTO posts (owner_did, status, scheduled_at) VALUES ('did:plc:two', 'sent', now())`),
      ).rejects.toThrow(/posts_status_check/);
      await expect(db.$client.query(`INSERT INTO posts (owner_did, status) VALUES ('did:plc:two', 'scheduled')`)).rejects.toThrow(
        /posts_scheduled_at_check/,
      );
    } finally {
      await db.$client.end();
    }
  });

  it('enforce the media vocabularies in SQL: states, rejection reasons (exactly when rejected) and notes', async () => {
    const db = createDatabase({ url: database.config.url, schema: 'pr_102' });
    const insert = (columns: string, values: string) =>
      db.$client.query(
        `INSERT INTO media (owner_did, s3_key, ${columns}) VALUES ('did:plc:two', 'uploads/' || gen_random_uuid(), ${values})`,
      );
    try {
      await insert(`state, reason_code, reason_params`, `'rejected', 'damaged', '{}'`);
      await insert(`state, notes`, `'ready', ARRAY['gif_first_frame']`);
      await expect(insert(`state`, `'lost'`)).rejects.toThrow(/media_state_check/);
      await expect(insert(`state, reason_code`, `'rejected', 'it was ugly'`)).rejects.toThrow(/media_reason_code_check/);
      await expect(insert(`state`, `'rejected'`)).rejects.toThrow(/media_rejected_reason_check/);
      await expect(insert(`state, reason_code`, `'ready', 'damaged'`)).rejects.toThrow(/media_rejected_reason_check/);
      await expect(insert(`state, notes`, `'ready', ARRAY['gif_first_frame', 'looked odd']`)).rejects.toThrow(/media_notes_check/);
    } finally {
      await db.$client.end();
    }
  });

  it('enforce a video upload’s failure reasons in SQL: catalogue codes only, exactly when failed', async () => {
    const db = createDatabase({ url: database.config.url, schema: 'pr_102' });
    const { rows } = await db.$client.query<{ id: string }>(
      `INSERT INTO media (owner_did, kind, s3_key) VALUES ('did:plc:two', 'video', 'uploads/' || gen_random_uuid()) RETURNING id`,
    );
    const upload = (state: string, reasonCode: string | null) =>
      db.$client.query(
        `INSERT INTO video_uploads (media_id, path, state, reason_code, started_at) VALUES ($1, 'direct', $2, $3, now())
         ON CONFLICT (media_id) DO UPDATE SET state = excluded.state, reason_code = excluded.reason_code`,
        [rows[0]!.id, state, reasonCode],
      );
    try {
      await upload('failed', 'video_job_failed');
      await upload('processing', null);
      await expect(upload('failed', 'the service was rude')).rejects.toThrow(/video_uploads_reason_code_check/);
      await expect(upload('failed', null)).rejects.toThrow(/video_uploads_failed_reason_check/);
      await expect(upload('ready', 'video_job_failed')).rejects.toThrow(/video_uploads_failed_reason_check/);
    } finally {
      await db.$client.end();
    }
  });

  it('use the partial index for the dispatcher', async () => {
    const db = createDatabase({ url: database.config.url, schema: 'pr_101' });
    const client = await db.$client.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT id FROM posts WHERE status IN ('scheduled', 'retrying') AND next_attempt_at <= now() + interval '75 seconds'`,
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('posts_due_idx');
    } finally {
      client.release();
      await db.$client.end();
    }
  });

  it('carry no schema qualifier, so DB_SCHEMA decides where tables go', () => {
    for (const file of readdirSync(migrationsFolder()).filter((name) => name.endsWith('.sql'))) {
      expect(readFileSync(join(migrationsFolder(), file), 'utf8'), file).not.toMatch(/"public"\./);
    }
  });
});

describe('health check', () => {
  it('reports an unreachable database without throwing', async () => {
    const db = createDatabase({ url: 'postgres://nobody:x@127.0.0.1:1/none', schema: 'public' });
    try {
      const health = await checkDatabase(db, 'public');
      expect(health).toMatchObject({ reachable: false, error: 'database unreachable (ECONNREFUSED)' });
    } finally {
      await db.$client.end();
    }
  });
});
