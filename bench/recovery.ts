import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EARLY_DELIVERY_MS, PUBLISH_VISIBILITY_TIMEOUT_SECONDS, PUBLISHER_TIMEOUT_SECONDS } from '@chronopost/core';
import { createPdsAccount, type DevPds, startDevPds } from '@chronopost/local';
import { login } from '@chronopost/testing/oauth-login';
import pg from 'pg';
import { type BenchRuntime, pdsBenchEnv, startBenchRuntime } from './local-runtime';

/** Posts per trial, one per account, all due in the same second. */
const POSTS = 5;
const TARGET_MS = 30_000;
/** Scheduled this far ahead: the API queues them at once (short notice), delayed to 4–5 s before their second. */
const LEAD_MS = 15_000;
/** How long after its second a post may take before the trial gives up waiting for it. */
const GIVE_UP_MS = 120_000;

/**
 * Where the runtime is killed:
 * - `before-claim`: 7 s before the second; the messages wait in the (in-process) queue, nothing is claimed;
 * - `after-claim`: 0.5 s before the second; publishers hold the posts, prepared, waiting to write;
 * - `after-write`: when the PDS has committed the first of the posts' writes and is about to answer.
 */
const KILL_POINTS = ['before-claim', 'after-claim', 'after-write'] as const;
type KillPoint = (typeof KILL_POINTS)[number];

interface Write {
  did: string | undefined;
  status: number;
  at: number;
}

/**
 * Watches the PDS's answers to record writes (the PDS runs in this process), and lets a trial act
 * the instant a write is committed, before the runtime can read the answer. The repository is the
 * access token's subject (the request body belongs to the PDS's own handler).
 */
function watchWrites(server: Server, onAnswer: (write: Write) => void) {
  const listeners = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'POST' && /^\/xrpc\/com\.atproto\.repo\.(applyWrites|createRecord)\b/.test(request.url ?? '')) {
      const did = subjectOf(request.headers.authorization);
      const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
      let answered = false;
      response.writeHead = (...args: unknown[]) => {
        if (!answered) {
          answered = true;
          onAnswer({ did, status: typeof args[0] === 'number' ? args[0] : response.statusCode, at: Date.now() });
        }
        return writeHead(...args);
      };
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}

/** The `sub` of a JWT access token (`DPoP <jwt>` or `Bearer <jwt>`), unverified: only to attribute a write. */
function subjectOf(authorization: string | undefined): string | undefined {
  const payload = authorization?.split(' ')[1]?.split('.')[1];
  if (!payload) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

interface PostOutcome {
  did: string;
  status: string;
  /** Records with the post's text on the author's PDS (exactly once: 1). */
  records: number;
  /** Successful writes the PDS answered for the author during the trial. */
  writes: number;
  /** The first successful write's answer, relative to the due second. */
  lateMs: number | undefined;
  /**
   * The post-restart attempt's start (its claim) → its write's answer: the publication once it is
   * handed over; 0 when the dead attempt's write had landed (the new one only looked).
   */
  publishMs: number | undefined;
  /** Written by the killed runtime (its request reached the PDS before the kill; the answer may have come after). */
  writtenBeforeRestart: boolean;
}

interface Trial {
  point: KillPoint;
  killedAtMs: number;
  /**
   * Statuses in PostgreSQL right after the kill (it outlives the runtime) and the writes the PDS
   * had answered by then (requests already sent are answered after the kill too).
   */
  atKill: { statuses: Record<string, number>; writes: number };
  restartMs: number;
  /** CPU time (user + system) of the restarted runtime process until it answered /health. */
  restartCpuMs: number;
  posts: PostOutcome[];
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function listTexts(pdsUrl: string, did: string): Promise<string[]> {
  const texts: string[] = [];
  let cursor: string | undefined;
  do {
    const url = new URL('/xrpc/com.atproto.repo.listRecords', pdsUrl);
    url.search = new URLSearchParams({
      repo: did,
      collection: 'app.bsky.feed.post',
      limit: '100',
      ...(cursor ? { cursor } : {}),
    }).toString();
    const response = await fetch(url);
    if (!response.ok) throw new Error(`listRecords answered ${response.status}`);
    const page = (await response.json()) as { records: Array<{ value: { text?: string } }>; cursor?: string };
    texts.push(...page.records.map((record) => record.value.text ?? ''));
    cursor = page.records.length ? page.cursor : undefined;
  } while (cursor);
  return texts;
}

async function trial(
  runtime: BenchRuntime,
  pds: DevPds,
  accounts: string[],
  point: KillPoint,
  index: number,
  writes: Write[],
  arm: (kill: (() => void) | undefined) => void,
): Promise<Trial> {
  const due = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
  const texts = accounts.map((_, post) => `recovery ${point} trial ${index} post ${post} ${Math.random().toString(36).slice(2)}`);
  const ids = await Promise.all(
    accounts.map(async (did, post) => {
      const response = await fetch(`${runtime.url}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await runtime.tokenFor(did)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ text: texts[post] }], scheduledAt: new Date(due).toISOString() }),
      });
      if (response.status !== 201) throw new Error(`scheduling answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    }),
  );
  const writesBefore = writes.length;
  const trialWrites = () => writes.slice(writesBefore).filter((write) => write.status === 200 && write.did && accounts.includes(write.did));

  let killedAt = 0;
  if (point === 'after-write') {
    const killed = new Promise<void>((resolve) =>
      arm(() => {
        killedAt = Date.now();
        // SIGKILL goes out synchronously, before the PDS sends its answer.
        void runtime.kill();
        resolve();
      }),
    );
    await Promise.race([killed, sleepUntil(due + 30_000)]);
    arm(undefined);
    if (!killedAt) throw new Error('no write reached the PDS within 30 s of the due second');
    await runtime.kill();
  } else {
    await sleepUntil(due + (point === 'before-claim' ? -7_000 : -500));
    killedAt = Date.now();
    await runtime.kill();
  }

  const client = new pg.Client({ connectionString: runtime.databaseUrl });
  await client.connect();
  let atKill: Trial['atKill'];
  try {
    const { rows } = await client.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [ids],
    );
    atKill = { statuses: Object.fromEntries(rows.map((row) => [row.status, row.n])), writes: trialWrites().length };
  } finally {
    await client.end();
  }

  const restarting = Date.now();
  await runtime.restart();
  const restartMs = Date.now() - restarting;
  const restartCpuMs = runtime.cpuMs()?.runtime ?? Number.NaN;

  const db = new pg.Client({ connectionString: runtime.databaseUrl });
  await db.connect();
  try {
    for (;;) {
      const { rows } = await db.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM posts WHERE id = ANY($1::uuid[]) AND status IN ('scheduled', 'queued', 'publishing', 'retrying')`,
        [ids],
      );
      if (rows[0]!.pending === 0 || Date.now() > due + GIVE_UP_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Writes still in flight when the database says published are answered by now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { rows } = await db.query<{ id: string; owner_did: string; status: string; claimed: Date | null }>(
      `SELECT p.id, p.owner_did, p.status, (SELECT max(started_at) FROM publish_attempts a WHERE a.post_id = p.id) AS claimed
       FROM posts p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    const answered = trialWrites();
    const posts = await Promise.all(
      rows.map(async (row): Promise<PostOutcome> => {
        const text = texts[ids.indexOf(row.id)]!;
        const records = (await listTexts(pds.url, row.owner_did)).filter((recorded) => recorded === text).length;
        const own = answered.filter((write) => write.did === row.owner_did);
        const first = own[0];
        const afterRestart = own.find((write) => write.at >= restarting);
        return {
          did: row.owner_did,
          status: row.status,
          records,
          writes: own.length,
          lateMs: first ? first.at - due : undefined,
          publishMs: afterRestart ? (row.claimed ? afterRestart.at - row.claimed.getTime() : undefined) : first ? 0 : undefined,
          writtenBeforeRestart: first !== undefined && first.at < restarting,
        };
      }),
    );
    return { point, killedAtMs: killedAt - due, atKill, restartMs, restartCpuMs, posts };
  } finally {
    await db.end();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/**
 * `pnpm bench recovery [trials]`: the local runtime killed with SIGKILL around the due second of
 * five posts (five accounts on a dev PDS in this process), at each of three points — before any
 * publisher claimed them, after the claim before the write, and when the PDS has committed a write
 * but the runtime has not read its answer — then started again on the same home. Checked from
 * outside: each post's text exactly once among its author's records on the PDS, and the PDS's own
 * answer time against the due second. Target: every post exactly once and within 30 s.
 * The AWS line replaces the local restart by the queue's redelivery: a message received (4–5 s
 * before its second) by a publisher that dies comes back after the visibility timeout, at most
 * `PUBLISH_VISIBILITY_TIMEOUT_SECONDS` − 4 s after the second; the measured claim → write of the
 * post-restart attempt is added to it.
 */
export async function run() {
  const trials = Number(process.argv[3] ?? 2);
  const loadAtStart = loadavg()[0]!;
  process.stdout.write(
    `recovery: ${POSTS} posts per trial, ${trials} trial(s) per kill point (${KILL_POINTS.join(', ')}), SIGKILL then restart\n`,
  );
  const pdsDir = await mkdtemp(join(tmpdir(), 'chronopost-bench-pds-'));
  const pds = await startDevPds({ dataDir: pdsDir });
  const writes: Write[] = [];
  let onWrite: (() => void) | undefined;
  watchWrites(pds.httpServer!, (write) => {
    writes.push(write);
    if (write.status === 200 && onWrite) {
      const kill = onWrite;
      onWrite = undefined;
      kill();
    }
  });
  const results: Trial[] = [];
  try {
    const runtime = await startBenchRuntime({
      ...pdsBenchEnv(pds),
    });
    try {
      const gateway = { url: runtime.url, env: runtime.serviceEnv };
      const accounts: string[] = [];
      for (let n = 0; n < POSTS; n++) {
        const account = await createPdsAccount(pds.url);
        await login(gateway, account);
        accounts.push(account.did);
      }
      for (let index = 0; index < trials; index++) {
        for (const point of KILL_POINTS) {
          const result = await trial(runtime, pds, accounts, point, index, writes, (kill) => (onWrite = kill));
          results.push(result);
          const late = result.posts.map((post) => post.lateMs ?? Number.NaN);
          process.stdout.write(
            `  ${point.padEnd(13)} killed at ${(result.killedAtMs / 1000).toFixed(2).padStart(6)} s, after it ${JSON.stringify(result.atKill.statuses)}, ` +
              `${result.atKill.writes} write(s) answered; restart ${(result.restartMs / 1000).toFixed(1)} s (CPU ${(result.restartCpuMs / 1000).toFixed(1)} s); ` +
              `records ${result.posts.map((post) => post.records).join(',')}; writes ${result.posts.map((post) => post.writes).join(',')}; ` +
              `statuses ${result.posts.map((post) => post.status).join(',')}; late ${late.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s\n`,
          );
        }
      }
    } finally {
      await runtime.stop();
    }
  } finally {
    await pds.close();
    await rm(pdsDir, { recursive: true, force: true });
  }

  const awsRedeliveryMs = PUBLISH_VISIBILITY_TIMEOUT_SECONDS * 1000 - EARLY_DELIVERY_MS;
  const ms = (value: number) => `${(value / 1000).toFixed(1)} s`;
  let allMet = true;
  process.stdout.write(
    `\n${'kill point'.padEnd(14)}${'posts'.padStart(7)}${'exactly once'.padStart(14)}${'local p50'.padStart(11)}${'local max'.padStart(11)}` +
      `${'restart max'.padStart(13)}${'claim→write max'.padStart(17)}${'AWS worst'.padStart(11)}\n`,
  );
  for (const point of KILL_POINTS) {
    const posts = results.filter((result) => result.point === point).flatMap((result) => result.posts);
    const once = posts.filter((post) => post.records === 1 && post.status === 'published').length;
    const late = posts.map((post) => post.lateMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const publish = posts.map((post) => post.publishMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const restart = Math.max(...results.filter((result) => result.point === point).map((result) => result.restartMs));
    // Written before the crash: on time in AWS too; otherwise the redelivery plus the publication.
    const aws = Math.max(
      ...posts.map((post) =>
        post.writtenBeforeRestart
          ? post.lateMs!
          : post.publishMs === undefined
            ? Number.POSITIVE_INFINITY
            : awsRedeliveryMs + post.publishMs,
      ),
    );
    allMet &&= once === posts.length && late.at(-1)! <= TARGET_MS && aws <= TARGET_MS;
    process.stdout.write(
      `${point.padEnd(14)}${String(posts.length).padStart(7)}${`${once}/${posts.length}`.padStart(14)}${ms(percentile(late, 50)).padStart(11)}` +
        `${ms(late.at(-1)!).padStart(11)}${ms(restart).padStart(13)}${ms(publish.at(-1)!).padStart(17)}${ms(aws).padStart(11)}\n`,
    );
  }
  process.stdout.write(
    `\nlocal: due second → the PDS's answer to the write, with a restart of the whole runtime in between (its queue is in-process;\n` +
      `on start it re-sends every queued/publishing post). AWS worst: the queue outlives the crash and redelivers after the\n` +
      `visibility timeout (${PUBLISH_VISIBILITY_TIMEOUT_SECONDS} s after the receipt, ${EARLY_DELIVERY_MS / 1000}–${EARLY_DELIVERY_MS / 1000 + 1} s before the second → ≤ ${ms(awsRedeliveryMs)} after it), ` +
      `plus the slowest measured claim → write (publisher timeout ${PUBLISHER_TIMEOUT_SECONDS} s).\n` +
      `load (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end; restarts' wall time grows with it, their CPU time (${results
        .map((result) => (result.restartCpuMs / 1000).toFixed(1))
        .join(', ')} s) does not.\n` +
      `target: every post exactly once (one record on its PDS, published in our database) within ${TARGET_MS / 1000} s, locally and AWS worst → ${allMet ? 'met' : 'NOT met'}\n`,
  );
}
