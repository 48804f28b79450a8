/**
 * The deploy steps that are our code, run as the workflows run them (child processes) against the
 * test run's real PostgreSQL and the local API Gateway stand-in with the real api service.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase } from '@chronopost/db';
import { privateJwksField } from '@chronopost/shared-schemas';
import { createTestDatabase, startHttpServices, type HttpServices, type TestDatabase } from '@chronopost/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, judgeHealth } from './health-check';
import { backoffMs } from './retry';
import { previewSchema, stalePreviews } from './preview-schemas';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** Runs a repository script the way a workflow step does; resolves with its exit code and output. */
async function script(path: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(root, path), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('preview schemas: migrate, side by side, clean up', () => {
  let database: TestDatabase;
  const pr = { a: 101, b: 102 };

  beforeAll(async () => {
    // An empty database, as a fresh shared server would be.
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(() => database.drop());

  const inSchema = async <T>(schema: string, work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: database.config.url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const objectsIn = (schema: string) =>
    inSchema('public', async (client) => {
      const result = await client.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1)
              + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1)
              + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) AS n`,
        [schema],
      );
      return Number(result.rows[0]!.n);
    });
  const schemaExists = (schema: string) =>
    inSchema('public', async (client) => (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1);

  it('migrates two previews into their own schemas with `pnpm db:migrate`, each holding its own data', { timeout: 90_000 }, async () => {
    for (const n of [pr.a, pr.b]) {
      const result = await script('packages/db/scripts/migrate.ts', [], { DATABASE_URL: database.config.url, DB_SCHEMA: previewSchema(n) });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`database schema "pr_${n}" is at migration`);
    }
    // The same account written in each preview through the services' own connection factory.
    for (const n of [pr.a, pr.b]) {
      const db = createDatabase({ url: database.config.url, schema: previewSchema(n) });
      await db.$client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ($1, $2, 'https://pds.example')`, [
        `did:plc:preview${n}`,
        `p${n}.test`,
      ]);
      await db.$client.end();
    }
    const handles = async (n: number) =>
      inSchema(previewSchema(n), async (client) =>
        (await client.query<{ handle: string }>('SELECT handle FROM accounts')).rows.map((r) => r.handle),
      );
    expect(await handles(pr.a)).toEqual([`p${pr.a}.test`]);
    expect(await handles(pr.b)).toEqual([`p${pr.b}.test`]);
    // Nothing leaked into public.
    expect(await objectsIn('public')).toBe(0);
    expect((await script('scripts/deploy/preview-schemas.ts', ['list'], { DATABASE_URL: database.config.url })).stdout.trim()).toBe(
      `${pr.a} ${pr.b}`,
    );
  });

  it('drops one preview with everything in it and leaves the other untouched', { timeout: 60_000 }, async () => {
    expect(await objectsIn(previewSchema(pr.a))).toBeGreaterThan(10);
    const result = await script('scripts/deploy/preview-schemas.ts', ['drop', String(pr.a)], { DATABASE_URL: database.config.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`dropped schema pr_${pr.a}`);
    expect(await schemaExists(previewSchema(pr.a))).toBe(false);
    expect(await objectsIn(previewSchema(pr.a))).toBe(0);
    // The other preview still has its tables, data and migration history.
    expect(await inSchema(previewSchema(pr.b), async (client) => (await client.query('SELECT handle FROM accounts')).rowCount)).toBe(1);
    const migrated = await script('packages/db/scripts/migrate.ts', [], {
      DATABASE_URL: database.config.url,
      DB_SCHEMA: previewSchema(pr.b),
    });
    expect(migrated.code).toBe(0);
    // Dropping again is not an error (a retried cleanup).
    const again = await script('scripts/deploy/preview-schemas.ts', ['drop', String(pr.a)], { DATABASE_URL: database.config.url });
    expect(again).toMatchObject({ code: 0, stdout: `schema pr_${pr.a} did not exist\n` });
  });

  it('cleaning up the second preview leaves no schema and no object of any preview behind', async () => {
    expect((await script('scripts/deploy/preview-schemas.ts', ['drop', String(pr.b)], { DATABASE_URL: database.config.url })).code).toBe(0);
    const left = await inSchema('public', async (client) =>
      (await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pr\\_%'")).rows.map((r) => r.nspname),
    );
    expect(left).toEqual([]);
    expect((await objectsIn(previewSchema(pr.a))) + (await objectsIn(previewSchema(pr.b)))).toBe(0);
  });

  it('refuses to drop anything that is not a preview schema', async () => {
    await inSchema('public', (client) => client.query('CREATE TABLE keep_me (id int)'));
    for (const target of ['public', '0', 'pr_1; DROP SCHEMA public CASCADE', '12abc', '-1']) {
      const result = await script('scripts/deploy/preview-schemas.ts', ['drop', target], { DATABASE_URL: database.config.url });
      expect(result.code, target).toBe(1);
      expect(result.stderr).toContain('not a pull request number');
    }
    expect(await inSchema('public', async (client) => (await client.query("SELECT to_regclass('keep_me') AS t")).rows[0].t)).toBe(
      'keep_me',
    );
  });

  it('finds the previews whose pull request is closed, from schemas and stacks', async () => {
    expect(stalePreviews({ schemas: [3, 5, 8], stacks: [5, 9] }, [5, 8])).toEqual([3, 9]);
    await inSchema('public', (client) => client.query('CREATE SCHEMA pr_7; CREATE SCHEMA pr_8; CREATE SCHEMA pr_old_style'));
    const result = await script('scripts/deploy/preview-schemas.ts', ['stale', '--open', '8', '--stacks', '11'], {
      DATABASE_URL: database.config.url,
    });
    expect(result.stdout.trim()).toBe('7 11');
  });
});

describe('health check and rollback decision', () => {
  let database: TestDatabase;
  let services: HttpServices;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    services = await startHttpServices({ database });
    dir = await mkdtemp(join(tmpdir(), 'health-check-'));
  });
  afterAll(async () => {
    await services.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a deploy whose API answers healthy, and says so to the workflow', async () => {
    const output = join(dir, 'healthy.out');
    const result = await script('scripts/deploy/health-check.ts', [services.url, '--schema', 'public', '--timeout-seconds', '10'], {
      GITHUB_OUTPUT: output,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/healthy: ok at migration \d{4}_/);
    expect(await readFile(output, 'utf8')).toBe('rollback=false\n');
  });

  it('rolls back when the new code finds migrations the database lacks', async () => {
    const last = await database.db.$client.query<{ id: number }>('SELECT id FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1');
    const removed = await database.db.$client.query('DELETE FROM __drizzle_migrations WHERE id = $1 RETURNING *', [last.rows[0]!.id]);
    try {
      const decision = await checkHealth(services.url, { expectedSchema: 'public', timeoutMs: 1500, initialDelayMs: 200 });
      expect(decision).toMatchObject({ healthy: false, reason: '1 migration(s) not applied to public' });
      expect(decision.attempts).toBeGreaterThan(1);
    } finally {
      const row = removed.rows[0] as { id: number; hash: string; created_at: string };
      await database.db.$client.query('INSERT INTO __drizzle_migrations (id, hash, created_at) VALUES ($1, $2, $3)', [
        row.id,
        row.hash,
        row.created_at,
      ]);
    }
  });

  it('rolls back when the API serves another schema than the deploy migrated', async () => {
    const decision = await checkHealth(services.url, { expectedSchema: 'pr_7', timeoutMs: 500, initialDelayMs: 200 });
    expect(decision).toMatchObject({ healthy: false, reason: 'serving schema public, expected pr_7' });
  });

  it('rolls back, exiting 1, when nothing answers until the time is up', async () => {
    const output = join(dir, 'down.out');
    const result = await script('scripts/deploy/health-check.ts', ['http://127.0.0.1:9', '--timeout-seconds', '2'], {
      GITHUB_OUTPUT: output,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ROLLBACK: http://127.0.0.1:9 is not healthy: unreachable');
    expect(await readFile(output, 'utf8')).toBe('rollback=true\n');
  });

  it('judges a degraded answer (database down) as a rollback', () => {
    const body = {
      status: 'degraded',
      database: { reachable: false, schema: 'public', migration: null, pendingMigrations: 0, error: 'database unreachable (ECONNREFUSED)' },
    };
    expect(judgeHealth({ status: 503, body }, 'public')).toEqual({
      healthy: false,
      reason: 'HTTP 503, database database unreachable (ECONNREFUSED)',
    });
    expect(judgeHealth({ status: 502, body: { message: 'Internal Server Error' } }, 'public')).toEqual({
      healthy: false,
      reason: 'HTTP 502 without a health body',
    });
  });
});

describe('retry with exponential backoff', () => {
  it('retries a failing command until it succeeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retry-'));
    const counter = join(dir, 'count');
    // Fails twice, then succeeds: a flaky outside service.
    const flaky = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ]`;
    const result = await script('scripts/deploy/retry.ts', ['--attempts', '5', '--base-ms', '50', '--', 'bash', '-c', flaky]);
    expect(result.code).toBe(0);
    expect((await readFile(counter, 'utf8')).trim()).toBe('3');
    expect(result.stderr.match(/again in \d+ ms/g)).toHaveLength(2);
    await rm(dir, { recursive: true, force: true });
  });

  it('gives up after the last attempt with the command’s exit code', async () => {
    const result = await script('scripts/deploy/retry.ts', ['--attempts', '3', '--base-ms', '20', '--', 'bash', '-c', 'exit 7']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('failed 3 times; giving up');
  });

  it('doubles the wait each time, within ±25 %', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, 1000, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(3, 1000, () => 0)).toBe(3000);
    expect(backoffMs(3, 1000, () => 1)).toBe(5000);
  });
});

describe('preview key generation', () => {
  it('prints keys the services accept as APP_JWT_PRIVATE_KEYS and OAUTH_CLIENT_PRIVATE_KEYS', { timeout: 90_000 }, async () => {
    const [app, client] = await Promise.all([
      script('scripts/deploy/generate-keys.ts', ['app-jwt']),
      script('scripts/deploy/generate-keys.ts', ['oauth-client']),
    ]);
    expect(privateJwksField('app keys').parse(app.stdout)[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(privateJwksField('client keys').parse(client.stdout)[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });
});
