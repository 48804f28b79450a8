import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccessTokenSigner } from '@chronopost/app-auth';
import { freePort } from '@chronopost/local';
import type { JWK } from 'jose';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchRuntime {
  url: string;
  databaseUrl: string;
  /** The environment the runtime gave its services (PDS URL with --demo, queue URLs, …). */
  serviceEnv: Record<string, string>;
  tokenFor(did: string): Promise<string>;
  /** CPU time used so far by the runtime process and by PostgreSQL's processes, in ms (Linux /proc). */
  cpuMs(): { runtime: number; postgres: number } | undefined;
  /** SIGKILL to the runtime process, as a crash: nothing of it runs another instruction. Resolves when it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same home, ports and environment (after `kill`); resolves when it answers /health. */
  restart(): Promise<void>;
  /** Stops it (SIGINT) and removes its home; resolves with the moment (ms since the epoch) its process exited. */
  stop(): Promise<number>;
}

/** The runtime's environment for a bench's own dev PDS: its identities, posts at 5 s notice, logins unthrottled. */
export const pdsBenchEnv = (pds: { url: string; plcUrl: string }): Record<string, string> => ({
  SCHEDULE_MIN_LEAD_SECONDS: '5',
  LOGIN_RATE_LIMIT: '1000',
  ATPROTO_HANDLE_RESOLVER: pds.url,
  ATPROTO_PLC_URL: pds.plcUrl,
});

const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; 0 elsewhere). */
export const processCpuMs = (pid: number): number => processTicks(pid) * CLOCK_TICK_MS;

/** utime + stime of a process from /proc/<pid>/stat, in clock ticks. */
const processTicks = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
};

/** PostgreSQL's server processes run as the data directory's postmaster's children. */
const postgresPids = (postmaster: number): number[] => {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
  return [
    postmaster,
    ...children.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(postmaster);
      } catch {
        return false;
      }
    }),
  ];
};

/**
 * `pnpm dev` in a child process (so the load generator does not share its event loop), on a fresh
 * home with its own embedded PostgreSQL, quiet logs.
 */
export async function startBenchRuntime(
  env: Record<string, string> = {},
  args: string[] = [],
  /** Write a V8 CPU profile of the runtime process into this directory when it stops. */
  cpuProfileDir?: string,
): Promise<BenchRuntime> {
  const home = await mkdtemp(join(tmpdir(), 'chronopost-bench-'));
  await chmod(home, 0o755);
  const port = await freePort();
  const pgPort = await freePort();
  const childEnv = {
    ...process.env,
    CHRONOPOST_HOME: home,
    // As root from a private clone: the copy of PostgreSQL goes with the home, not to /var/lib.
    LOCAL_POSTGRES_SYSTEM_DIR: join(home, 'system'),
    PORT: String(port),
    // Every port its own: another engineer's `pnpm dev` may hold the defaults.
    WEB_PORT: String(await freePort()),
    LOCAL_POSTGRES_PORT: String(pgPort),
    LOCAL_SQS_PORT: String(await freePort()),
    LOCAL_S3_PORT: String(await freePort()),
    LOCAL_DYNAMODB_PORT: String(await freePort()),
    LOCAL_PDS_PORT: String(await freePort()),
    LOCAL_PLC_PORT: String(await freePort()),
    LOG_LEVEL: 'ERROR',
    ...env,
  };
  const url = `http://127.0.0.1:${port}`;
  const spawnRuntime = async (): Promise<ChildProcess> => {
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const started: ChildProcess = spawn(
      process.execPath,
      [...profile, '--import', 'tsx', join(root, 'packages/local/src/cli.ts'), ...args],
      {
        cwd: root,
        env: childEnv,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    for (let waited = 0; ; waited += 200) {
      if (started.exitCode !== null) throw new Error(`the runtime exited with ${started.exitCode}`);
      if (waited > 120_000) throw new Error('the runtime did not become healthy in 120 s');
      try {
        if ((await fetch(`${url}/health`)).ok) return started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  let child = await spawnRuntime();
  const password = (await readFile(join(home, 'postgres', 'password'), 'utf8')).trim();
  const secrets = JSON.parse(await readFile(join(home, 'local-secrets.json'), 'utf8')) as { appJwtKeys: Array<JWK & { kid: string }> };
  const signer = await createAccessTokenSigner({
    privateKeys: secrets.appJwtKeys,
    issuer: url,
    audience: 'chronopost-api',
    ttlSeconds: 3600,
  });
  const readPostmaster = async () => Number((await readFile(join(home, 'postgres', 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  let postmaster = await readPostmaster();
  const serviceEnv = JSON.parse(await readFile(join(home, 'services.env.json'), 'utf8')) as Record<string, string>;
  return {
    url,
    serviceEnv,
    databaseUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/chronopost`,
    tokenFor: async (did) => (await signer.sign(did)).token,
    cpuMs: () => {
      if (!existsSync('/proc/self/stat') || !child.pid) return undefined;
      return {
        runtime: processTicks(child.pid) * CLOCK_TICK_MS,
        postgres: postgresPids(postmaster).reduce((sum, pid) => sum + processTicks(pid), 0) * CLOCK_TICK_MS,
      };
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    restart: async () => {
      child = await spawnRuntime();
      postmaster = await readPostmaster();
    },
    stop: async () => {
      let exitedAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
        exitedAt = Date.now();
      } else {
        // Killed and not restarted: its PostgreSQL outlived it (as after any crash of `pnpm dev`).
        try {
          process.kill(postmaster, 'SIGINT');
          for (let waited = 0; waited < 10_000; waited += 100) {
            process.kill(postmaster, 0);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        } catch {
          // gone
        }
      }
      await rm(home, { recursive: true, force: true });
      return exitedAt;
    },
  };
}
