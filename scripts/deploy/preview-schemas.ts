/**
 * The database side of pull-request previews. Each preview lives in its own schema `pr_<n>` of
 * the shared database; these commands drop one, or list them for the nightly sweep.
 *
 *   DATABASE_URL=… node --import tsx scripts/deploy/preview-schemas.ts drop <pr>
 *   DATABASE_URL=… node --import tsx scripts/deploy/preview-schemas.ts list
 *   DATABASE_URL=… node --import tsx scripts/deploy/preview-schemas.ts stale --open 3,5 [--stacks 2,3]
 *
 * Creating and migrating one is `DB_SCHEMA=pr_<n> pnpm db:migrate`.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const PREVIEW_SCHEMA = /^pr_([1-9][0-9]{0,9})$/;

/** The schema of pull request `pr`; throws for anything that is not a positive number. */
export function previewSchema(pr: string | number): string {
  const text = String(pr);
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new Error(`not a pull request number: ${JSON.stringify(text)}`);
  return `pr_${text}`;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Pull request numbers that have a preview schema. */
export async function listPreviewSchemas(url: string): Promise<number[]> {
  return withClient(url, async (client) => {
    const result = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pr\\_%'");
    return result.rows
      .map((row) => PREVIEW_SCHEMA.exec(row.nspname)?.[1])
      .filter((pr): pr is string => pr !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  });
}

/**
 * Drops a preview's schema with everything in it (tables, sequences, types, its migrations
 * table). Only ever `pr_<n>`: the name is rebuilt from the number, never taken as given.
 */
export async function dropPreviewSchema(url: string, pr: string | number): Promise<{ schema: string; existed: boolean }> {
  const schema = previewSchema(pr);
  return withClient(url, async (client) => {
    const before = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // Another migration or cleanup of the same preview waits instead of racing (same lock as the migrator).
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`chronopost:migrate:${schema}`]);
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
    return { schema, existed: (before.rowCount ?? 0) > 0 };
  });
}

/** Previews to remove: those with a schema or a stack whose pull request is no longer open. */
export function stalePreviews(known: { schemas: number[]; stacks: number[] }, open: number[]): number[] {
  const isOpen = new Set(open);
  return [...new Set([...known.schemas, ...known.stacks])].filter((pr) => !isOpen.has(pr)).sort((a, b) => a - b);
}

const numbers = (text: string | undefined): number[] =>
  !text
    ? []
    : text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((value) => Number(previewSchema(value).slice(3)));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, ...rest] = process.argv.slice(2);
  const flag = (name: string) => {
    const index = rest.indexOf(name);
    return index < 0 ? undefined : rest[index + 1];
  };
  const url = process.env.DATABASE_URL;
  try {
    if (!url) throw new Error('DATABASE_URL is required: the shared PostgreSQL database');
    if (command === 'drop' && rest[0]) {
      const { schema, existed } = await dropPreviewSchema(url, rest[0]);
      console.log(existed ? `dropped schema ${schema}` : `schema ${schema} did not exist`);
    } else if (command === 'list') {
      console.log((await listPreviewSchemas(url)).join(' '));
    } else if (command === 'stale') {
      const stale = stalePreviews({ schemas: await listPreviewSchemas(url), stacks: numbers(flag('--stacks')) }, numbers(flag('--open')));
      console.log(stale.join(' '));
    } else {
      throw new Error('usage: preview-schemas.ts drop <pr> | list | stale --open <prs> [--stacks <prs>]');
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
