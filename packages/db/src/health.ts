import type { HealthResponse } from '@chronopost/shared-schemas';
import { type Database, pingDatabase } from './connection';
import { readMigrationStatus } from './migrations';

/** Whether the database answers, how fast, and which migration its schema is at. Never throws. */
export async function checkDatabase(db: Database, schema: string): Promise<HealthResponse['database']> {
  try {
    const latencyMs = await pingDatabase(db);
    const status = await readMigrationStatus(db, schema);
    return { reachable: true, schema, latencyMs, migration: status.applied, pendingMigrations: status.pending };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      reachable: false,
      schema,
      migration: null,
      pendingMigrations: 0,
      error: code ? `database unreachable (${code})` : 'database unreachable',
    };
  }
}
