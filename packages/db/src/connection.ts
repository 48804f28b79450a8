import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { DatabaseConfig } from '@chronopost/shared-schemas';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** node-postgres options for a config: the schema is selected through the session's search_path. */
export const connectionOptions = (config: DatabaseConfig): pg.ClientConfig => ({
  connectionString: config.url,
  options: `-c search_path=${quoteIdent(config.schema)}`,
  connectionTimeoutMillis: 5_000,
});

export interface PoolOptions {
  /** Connections per process; Lambda handles one event at a time, so a few suffice. */
  max?: number;
  applicationName?: string;
}

/** A pooled drizzle database for a service; create once per process (cold start) and reuse. */
export function createDatabase(config: DatabaseConfig, options: PoolOptions = {}): Database {
  const pool = new pg.Pool({
    ...connectionOptions(config),
    max: options.max ?? 4,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'chronopost',
  });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  return drizzle<typeof schema, pg.Pool>(pool, { schema });
}

/** Checks that the database answers; returns the round-trip time in milliseconds. */
export async function pingDatabase(db: Database): Promise<number> {
  const started = performance.now();
  await db.$client.query('SELECT 1');
  return Math.round((performance.now() - started) * 100) / 100;
}
