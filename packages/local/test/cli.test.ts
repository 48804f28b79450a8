import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtpAgent } from '@atproto/api';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeOAuthConsent } from '@chronopost/testing';
import { createLocalSqsClient, freePort } from '../src';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'packages', 'local', 'src', 'cli.ts');

interface Run {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stdout: () => string;
  stderr: () => string;
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

/** Runs `pnpm dev` (the same entry point) in a child process and follows its JSON log lines. */
function startCli(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let stdout = '';
  let stderr = '';
  // Log lines come on stdout (info) and stderr (warnings and errors): follow both.
  const follow = (stream: NodeJS.ReadableStream, keep: (text: string) => void) => {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      keep(chunk.toString('utf8'));
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  };
  follow(child.stdout, (text) => (stdout += text));
  follow(child.stderr, (text) => (stderr += text));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    waitFor: (predicate, timeoutMs = 30_000) => {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exit.then((code) => reject(new Error(`exited with ${code} first; stderr: ${stderr}`)));
      });
    },
  };
}

const message = (text: string) => (line: Record<string, unknown>) => line.message === text;

// This file starts its own embedded PostgreSQL on purpose: what is under test is `pnpm dev` itself,
// including that its embedded database keeps data across a restart.
describe('pnpm dev (the local runtime CLI)', () => {
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'chronopost-home-'));
    // As root, the embedded server runs as `postgres` and must be able to enter the home directory.
    await chmod(home, 0o755);
    env = {
      CHRONOPOST_HOME: home,
      // As root from a private clone: the copy of PostgreSQL goes with the home, not to /var/lib.
      LOCAL_POSTGRES_SYSTEM_DIR: join(home, 'system'),
      PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      LOCAL_POSTGRES_PORT: String(await freePort()),
      LOCAL_SQS_PORT: String(await freePort()),
      LOCAL_S3_PORT: String(await freePort()),
      LOCAL_DYNAMODB_PORT: String(await freePort()),
      LOCAL_PDS_PORT: String(await freePort()),
      LOCAL_PLC_PORT: String(await freePort()),
      DISPATCH_INTERVAL_SECONDS: '1',
      SCHEDULE_MIN_LEAD_SECONDS: '2',
    };
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('starts everything, serves health, ticks, delivers queue messages, stops on Ctrl-C, keeps data across a restart and runs a demo PDS', async () => {
    const first = startCli(env);
    try {
      const running = await first.waitFor(message('chronopost is running'), 90_000);
      // The web app's address is what it prints first, before any log line.
      expect(first.stdout()).toMatch(new RegExp(`^\\nChronopost: http://127\\.0\\.0\\.1:${env.WEB_PORT} `));
      for (const component of [
        'keyring',
        'postgres',
        'sqs',
        's3',
        'dynamodb',
        'metrics',
        'gateway',
        'schedules',
        'publisher',
        'media',
        'web',
      ]) {
        expect(
          first.lines.some((line) => line.component === component),
          component,
        ).toBe(true);
      }

      const health = await fetch(`${running.url as string}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { reachable: true } });

      // The web app, on its own origin, is told where the API is; the API allows that origin (CORS).
      const webUrl = running.webUrl as string;
      expect(new URL(webUrl).port).toBe(env.WEB_PORT);
      const page = await fetch(`${webUrl}/compose`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`<meta name="chronopost-api-url" content="${running.url as string}"`);
      const preflight = await fetch(`${running.url as string}/auth/refresh`, {
        method: 'OPTIONS',
        headers: { origin: new URL(webUrl).origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(new URL(webUrl).origin);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

      // Wall-clock ticks: two in a row, a second apart.
      const ticks = [await first.waitFor(message('dispatcher tick'))];
      ticks.push(await first.waitFor((line) => line.message === 'dispatcher tick' && line !== ticks[0]));
      const [a, b] = ticks.map((tick) => Date.parse(tick.at as string));
      expect(Math.floor(b! / 1000) - Math.floor(a! / 1000)).toBe(1);
      // Fired just after the whole second, not at some drifting offset.
      expect(a! % 1000).toBeLessThan(250);
      expect(b! % 1000).toBeLessThan(250);

      // A post in the database, and a message for it on the publish queue, reach the publisher.
      const password = (await readFile(join(home, 'postgres', 'password'), 'utf8')).trim();
      const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.LOCAL_POSTGRES_PORT}/chronopost`;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      let postId: string;
      try {
        await client.query(
          `INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:keptkeptkeptkeptkeptkept', 'kept.test', 'http://pds.test')`,
        );
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at) VALUES ('did:plc:keptkeptkeptkeptkeptkept', 'queued', now(), now()) RETURNING id`,
        );
        postId = inserted.rows[0]!.id;
        await client.query(
          `INSERT INTO post_items (post_id, owner_did, position, text, rkey) VALUES ($1, 'did:plc:keptkeptkeptkeptkeptkept', 0, 'kept', '3kaaaaaaaaa22')`,
          [postId],
        );
      } finally {
        await client.end();
      }
      const sqsLine = first.lines.find((line) => line.component === 'sqs')!;
      const sqs = createLocalSqsClient(sqsLine.endpoint as string);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: sqsLine.queueUrl as string,
          MessageBody: JSON.stringify({
            postId,
            action: 'publish',
            attempt: 1,
            requestedAt: new Date().toISOString(),
            scheduledAt: new Date().toISOString(),
          }),
        }),
      );
      // Its account never logged in, so there is no Bluesky session to publish with: blocked.
      const blocked = await first.waitFor(message('post blocked'));
      expect(blocked).toMatchObject({ postId, errorClass: 'session_ended', service: 'publisher' });

      first.child.kill('SIGINT');
      expect(await first.exit).toBe(0);
      expect(first.lines.at(-1)?.message).toBe('stopped');
    } finally {
      first.child.kill('SIGKILL');
    }

    // The restart, this time with --demo: a local PDS and an account whose password is printed.
    const second = startCli(env, ['--demo']);
    try {
      await second.waitFor(message('chronopost is running'), 90_000);
      const pds = second.lines.find((line) => line.component === 'pds')!;
      // Printed right after the runtime reports it is running.
      for (let waited = 0; !second.stdout().includes('password:') && waited < 5_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      const printed = /open http:\/\/\S+ and sign in as (\S+)\n\s+password: (\S+)/.exec(second.stdout());
      expect(printed?.[1]).toBe(pds.handle);
      const agent = new AtpAgent({ service: pds.url as string });
      await agent.login({ identifier: printed![1]!, password: printed![2]! });
      expect(agent.session?.did).toBe(pds.did);

      // And the demo account logs in to Chronopost itself through OAuth, end to end.
      const gatewayUrl = second.lines.find((line) => line.component === 'gateway')!.url as string;
      const started = await fetch(`${gatewayUrl}/oauth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: printed![1] }),
      });
      expect(started.status).toBe(200);
      const loginCookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
      const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
      const callback = await completeOAuthConsent(authorizationUrl, { identifier: printed![1]!, password: printed![2]! });
      const finished = await fetch(callback, { redirect: 'manual', headers: { cookie: loginCookie } });
      expect(new URL(finished.headers.get('location')!).searchParams.get('login')).toBe('ok');
      const refreshCookie = finished.headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith('chronopost_refresh='))!
        .split(';')[0]!;
      const tokens = (await (await fetch(`${gatewayUrl}/auth/refresh`, { method: 'POST', headers: { cookie: refreshCookie } })).json()) as {
        accessToken: string;
      };
      const me = await fetch(`${gatewayUrl}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      expect(await me.json()).toMatchObject({ account: { did: pds.did, handle: 'alice.test' }, session: { state: 'active' } });

      // A post scheduled through the API goes out on the demo PDS at its second.
      const scheduledAt = new Date(Math.ceil((Date.now() + 3_000) / 1000) * 1000);
      const created = await fetch(`${gatewayUrl}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ text: 'Hello from pnpm dev --demo 👋' }], scheduledAt: scheduledAt.toISOString() }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const publishedLine = await second.waitFor((line) => line.message === 'post published' && line.postId === id);
      // Never early (nor dated early). How late it lands depends on the machine's load: that is
      // measured by `pnpm bench lateness` (p50 69 ms, p99 1.86 s), not asserted by a unit test.
      expect(publishedLine.latenessMs as number).toBeGreaterThanOrEqual(0);
      const record = await agent.com.atproto.repo.getRecord({
        repo: pds.did as string,
        collection: 'app.bsky.feed.post',
        rkey: String(publishedLine.uri).split('/').at(-1)!,
      });
      expect(record.data.value).toMatchObject({ text: 'Hello from pnpm dev --demo 👋' });
      expect(Date.parse((record.data.value as { createdAt: string }).createdAt)).toBeGreaterThanOrEqual(scheduledAt.getTime());

      const postgres = second.lines.find(message('postgres ready'))!;
      expect(postgres.url).not.toContain(await readFile(join(home, 'postgres', 'password'), 'utf8').then((p) => p.trim()));
      const password = (await readFile(join(home, 'postgres', 'password'), 'utf8')).trim();
      const client = new pg.Client({
        connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.LOCAL_POSTGRES_PORT}/chronopost`,
      });
      await client.connect();
      try {
        const kept = await client.query(`SELECT handle FROM accounts WHERE did = 'did:plc:keptkeptkeptkeptkeptkept'`);
        expect(kept.rows).toEqual([{ handle: 'kept.test' }]);
      } finally {
        await client.end();
      }
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 180_000);

  it('starts again after being killed (SIGKILL), although its PostgreSQL outlived it and holds the port', async () => {
    const killed = startCli(env);
    try {
      await killed.waitFor(message('chronopost is running'), 90_000);
    } finally {
      killed.child.kill('SIGKILL');
    }
    await killed.exit;
    const postmaster = Number((await readFile(join(home, 'postgres', 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    // A crash stops nothing: the embedded server is still running, on the configured port.
    expect(() => process.kill(postmaster, 0)).not.toThrow();

    const restarted = startCli(env);
    try {
      const running = await restarted.waitFor(message('chronopost is running'), 90_000);
      expect((await fetch(`${running.url as string}/health`)).status).toBe(200);
      restarted.child.kill('SIGINT');
      expect(await restarted.exit).toBe(0);
    } finally {
      restarted.child.kill('SIGKILL');
      // Had the restart failed, the first run's server would still be running.
      try {
        process.kill(postmaster, 'SIGINT');
      } catch {
        // stopped by the restart, as it should be
      }
    }
  }, 180_000);
});

describe('pnpm dev with a bad configuration', () => {
  const run = async (env: Record<string, string>) => {
    const home = await mkdtemp(join(tmpdir(), 'chronopost-bad-'));
    try {
      const cliRun = startCli({ CHRONOPOST_HOME: home, ...env });
      const code = await cliRun.exit;
      return { code, stderr: cliRun.stderr() };
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };

  it('names a malformed variable and exits 1', async () => {
    const { code, stderr } = await run({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('chronopost: Invalid configuration: PORT must be a TCP port number (0-65535)');
  });

  it('names an unreachable DATABASE_URL, hides its password and says what to do', async () => {
    const { code, stderr } = await run({
      DATABASE_URL: 'postgres://chronopost:hunter2@127.0.0.1:1/chronopost',
      PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL: cannot connect to postgres://chronopost:***@127.0.0.1:1/chronopost (ECONNREFUSED)');
    expect(stderr).toContain('unset DATABASE_URL to use the embedded PostgreSQL');
    expect(stderr).not.toContain('hunter2');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a port that is already taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await run({
        LOCAL_SQS_PORT: String(port),
        PORT: String(await freePort()),
        DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
      });
      expect(code).toBe(1);
      // Ports are checked before anything starts, so the database is not even tried.
      expect(stderr.trim()).toBe(
        `chronopost: LOCAL_SQS_PORT: port ${port} is already in use on 127.0.0.1. Stop what uses it or set LOCAL_SQS_PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }
  });
});
