/**
 * `pnpm db:generate [--name <name>]`: drizzle-kit writes a migration for the schema change, then we
 * remove the `"public".` qualifiers it adds to foreign keys and types, so the same SQL creates
 * the tables in whatever schema DB_SCHEMA selects (a PR preview, a test database).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Removes `"public".` qualifiers so a migration applies to the schema on the search_path. */
const unqualifySql = (text: string): string => text.replaceAll('"public".', '');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync('pnpm', ['exec', 'drizzle-kit', 'generate', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);

const folder = join(root, 'migrations');
for (const file of readdirSync(folder).filter((name) => name.endsWith('.sql'))) {
  const path = join(folder, file);
  const before = readFileSync(path, 'utf8');
  const after = unqualifySql(before);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`unqualified schema references in ${file}`);
  }
}
