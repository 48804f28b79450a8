import { type DatabaseConfig, databaseConfigSchema, parseConfig } from '@chronopost/shared-schemas';

/** The database scripts' configuration (DATABASE_URL, DB_SCHEMA), read and checked once. */
export const loadDatabaseConfig = (env: Record<string, string | undefined> = process.env): DatabaseConfig =>
  parseConfig(databaseConfigSchema, env);
