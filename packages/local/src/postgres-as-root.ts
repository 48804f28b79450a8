/**
 * PostgreSQL refuses to run as root, so when we are root it runs as a `postgres` system user. That
 * user must reach its programs and its data; a clone in root's home (mode 0700) or under `mktemp -d`
 * hides both from it. Whatever it cannot reach moves to a directory it can: a copy of the build
 * (once per version) and the data directory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { movedTo, type PostgresBinaries } from './postgres-binaries';
import { StartupError } from './ports';

const run = promisify(execFile);

export interface UserIds {
  uid: number;
  gid: number;
}

export const POSTGRES_USER = 'postgres';

/** The `postgres` user PostgreSQL runs as when we are root; created (a system user) if missing. */
export async function postgresUser(): Promise<UserIds> {
  const lookup = async (): Promise<UserIds> => {
    const [uid, gid] = await Promise.all([run('id', ['-u', POSTGRES_USER]), run('id', ['-g', POSTGRES_USER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    // No such user yet.
  }
  try {
    await run('groupadd', ['--system', '--force', POSTGRES_USER]);
    await run('useradd', ['--system', '--gid', POSTGRES_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER]);
    return await lookup();
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new StartupError(
      `PostgreSQL refuses to run as root, and the '${POSTGRES_USER}' user it would run as could not be created (${reason}). Create it (useradd --system ${POSTGRES_USER}) or run as another user.`,
    );
  }
}

/**
 * The first directory on the way to `path` (itself included) that `user` cannot enter, judged by
 * its mode bits (owner, primary group, others; ACLs and supplementary groups are not looked at,
 * so the answer errs towards moving things).
 */
export async function firstBlockedDirectory(path: string, user: UserIds): Promise<string | undefined> {
  const chain: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    chain.unshift(current);
    if (current === dirname(current)) break;
  }
  for (const directory of chain) {
    const { uid, gid, mode } = await stat(directory);
    const execute = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
    if ((mode & execute) === 0) return directory;
  }
  return undefined;
}

/** Creates `directory` and the missing ones above it, each 0755 whatever the umask. */
async function mkdirReachable(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(directory); !existsSync(current); current = dirname(current)) missing.unshift(current);
  for (const created of missing) {
    await mkdir(created).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await chmod(created, 0o755);
  }
}

/** Mirrors a tree: hard links where the file system allows (instant, no space), copies otherwise. */
async function mirrorTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  await chmod(to, (await stat(from)).mode & 0o7777);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await mirrorTree(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
}

/**
 * A copy of the build under `directory`, made once per version and platform. Concurrent starts
 * each build their own copy aside and rename it into place: the first wins, the others discard theirs.
 */
export async function reachableCopy(binaries: PostgresBinaries, directory: string): Promise<PostgresBinaries> {
  const target = join(directory, `postgresql-${binaries.id}`);
  if (!existsSync(target)) {
    const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await mirrorTree(binaries.root, partial);
      await rename(partial, target).catch((error: unknown) => {
        if (!existsSync(target)) throw error;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  return movedTo(binaries, target);
}

export interface Placement {
  binaries: PostgresBinaries;
  dataDir: string;
  /** Set when the data directory moved: the directory holding it, which belongs to this `dir` alone. */
  movedDataParent?: string;
  /** One line saying what moved where (undefined when nothing had to). */
  notice?: string;
}

/**
 * Where the `postgres` user runs PostgreSQL from and keeps its data: in place when it can reach
 * them, else under `systemDir` (which it must reach).
 */
export async function placeForPostgresUser(options: {
  binaries: PostgresBinaries;
  /** Holds the password file, and `data/` unless that has to move. */
  dir: string;
  systemDir: string;
  /** What the user changes to move `systemDir` (a variable), named in error messages. */
  systemDirSetting: string;
  user: UserIds;
}): Promise<Placement> {
  const { binaries, dir, systemDir, systemDirSetting, user } = options;
  const dataDir = join(dir, 'data');
  const blockedBinaries = await firstBlockedDirectory(binaries.root, user);
  const blockedData = await firstBlockedDirectory(dir, user);
  if (!blockedBinaries && !blockedData) return { binaries, dataDir };

  const why = `As root, PostgreSQL runs as the '${POSTGRES_USER}' user, which cannot enter ${blockedBinaries ?? blockedData}`;
  const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  try {
    await mkdirReachable(systemDir);
  } catch (error) {
    throw new StartupError(
      `${why}; creating ${systemDir} for what it needs failed (${reason(error)}). Set ${systemDirSetting} to a directory root can create, or run as another user.`,
    );
  }
  const blockedSystem = await firstBlockedDirectory(systemDir, user);
  if (blockedSystem) {
    throw new StartupError(
      `${why}, nor ${systemDir} where Chronopost would move what it needs (${blockedSystem} is closed to it). Set ${systemDirSetting} to a directory it can enter, or run as another user.`,
    );
  }

  let placed = binaries;
  let movedDataParent: string | undefined;
  try {
    if (blockedBinaries) placed = await reachableCopy(binaries, systemDir);
    if (blockedData) {
      // One directory per `dir`, named by its path; the note says whose it is, for whoever cleans up.
      movedDataParent = join(systemDir, `home-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`);
      await mkdirReachable(movedDataParent);
      await writeFile(join(movedDataParent, 'OWNER'), `${dir}\n`);
    }
  } catch (error) {
    throw new StartupError(
      `${why}; moving what it needs to ${systemDir} failed (${reason(error)}). Make room there, set ${systemDirSetting} to another directory, or run as another user.`,
    );
  }
  const parts = [
    blockedBinaries ? `runs a copy of PostgreSQL from ${placed.root}` : undefined,
    movedDataParent ? `keeps its data in ${join(movedDataParent, 'data')}` : undefined,
  ].filter(Boolean);
  return {
    binaries: placed,
    dataDir: movedDataParent ? join(movedDataParent, 'data') : dataDir,
    ...(movedDataParent ? { movedDataParent } : {}),
    notice: `${why}: Chronopost ${parts.join(' and ')}.`,
  };
}
