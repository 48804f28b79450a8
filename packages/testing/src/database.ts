import type { DatabaseConfig } from '@chronopost/shared-schemas';
import { createDatabase, type Database } from '@chronopost/db';
import pg from 'pg';
import { testEnvironment } from './environment';
import { uniqueName } from './names';

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testEnvironment().postgresAdminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  config: DatabaseConfig;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, cloned from the migrated template (a file copy, ~tens of ms).
 * Call it in `beforeAll` and `drop()` it in `afterAll`.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const environment = testEnvironment();
  const name = uniqueName('t');
  await admin(async (client) => {
    const template = options.migrated === false ? 'template1' : environment.templateDatabase;
    // Cloning takes a lock on the template; concurrent clones from other workers wait and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });
  const config: DatabaseConfig = { url: withDatabase(environment.postgresAdminUrl, name), schema: 'public' };
  const db = createDatabase(config, { max: 10, applicationName: 'chronopost-test' });
  return {
    name,
    config,
    db,
    drop: async () => {
      await db.$client.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}
