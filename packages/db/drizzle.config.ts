import { defineConfig } from 'drizzle-kit';

// Only `generate` uses this file; migrations are applied by `pnpm db:migrate` (scripts/migrate.ts),
// which knows about DB_SCHEMA.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './migrations',
});
