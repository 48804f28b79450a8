/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, in the schema DB_SCHEMA names
 * (default `public`). Deploys run it before shifting the Lambda aliases; `pnpm dev` runs it itself.
 */
import { ConfigError } from '@chronopost/shared-schemas';
import { loadDatabaseConfig } from '../src/config';
import { migrateDatabase } from '../src/migrations';

try {
  const config = loadDatabaseConfig();
  const { applied } = await migrateDatabase(config);
  console.log(`database schema "${config.schema}" is at migration ${applied ?? '(none)'}`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
