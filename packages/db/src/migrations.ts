import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import journal from '../migrations/meta/_journal.json' with { type: 'json' };
import { connectionOptions, quoteIdent } from './connection';
import type { DatabaseConfig } from '@chronopost/shared-schemas';

export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** The folder of generated SQL migrations; only present beside the sources, not in Lambda bundles. */
export const migrationsFolder = (): string => join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/** Migrations known to this build, oldest first (drizzle-kit's journal, bundled at build time). */
export const knownMigrations = (): { tag: string; when: number }[] =>
  journal.entries.map((entry) => ({ tag: entry.tag, when: entry.when }));

/**
 * Applies every pending migration to `config.schema`, creating the schema if needed. An advisory
 * lock serialises concurrent runs (two deploys, two test workers) on the same schema.
 */
export async function migrateDatabase(config: DatabaseConfig): Promise<{ applied: string | null }> {
  const client = new pg.Client(connectionOptions(config));
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`chronopost:migrate:${config.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(config.schema)}`);
    await migrate(drizzle(client), {
      migrationsFolder: migrationsFolder(),
      migrationsSchema: config.schema,
      migrationsTable: MIGRATIONS_TABLE,
    });
    const status = await readMigrationStatus(drizzle(client), config.schema);
    return { applied: status.applied };
  } finally {
    await client.end();
  }
}

type Queryable = { execute: (query: SQL) => Promise<{ rows: unknown[] }> };

/** Which known migration the schema is at, and how many it still lacks. */
export async function readMigrationStatus(db: Queryable, schema: string): Promise<{ applied: string | null; pending: number }> {
  const table = sql.raw(`${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`);
  const exists = await db.execute(sql`SELECT to_regclass(${`${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`}) AS t`);
  const known = knownMigrations();
  if ((exists.rows[0] as { t: string | null } | undefined)?.t == null) {
    return { applied: null, pending: known.length };
  }
  const result = await db.execute(sql`SELECT max(created_at)::text AS last FROM ${table}`);
  const last = Number((result.rows[0] as { last: string | null } | undefined)?.last ?? Number.NaN);
  if (Number.isNaN(last)) return { applied: null, pending: known.length };
  const appliedEntry = known.filter((entry) => entry.when <= last).at(-1);
  return {
    applied: appliedEntry?.tag ?? null,
    pending: known.filter((entry) => entry.when > last).length,
  };
}
