import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPdsAccount, type DevPds, startDevPds } from '@chronopost/local';
import { accessToken, login } from '@chronopost/testing/oauth-login';
import pg from 'pg';
import { type BenchRuntime, startBenchRuntime } from './local-runtime';

const ACCOUNTS = 30;
const POSTS = 300;
const SAME_SECOND = 100;
const WINDOW_SECONDS = 120;
/** Scheduling all posts must be over before the first is due. */
const LEAD_SECONDS = 25;
const TARGET_P99_MS = 2_000;
const POLLERS = 10;

type Mode = 'lookahead' | 'naive';

interface Lateness {
  mode: Mode;
  published: number;
  notPublished: Record<string, number>;
  /** Records written before their time (must be 0). */
  early: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  sameSecond: { p50: number; p99: number; max: number };
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** 30 accounts on the runtime's demo PDS, each logged in to Chronopost through the real OAuth flow. */
async function users(runtime: BenchRuntime) {
  const pdsUrl = runtime.serviceEnv.ATPROTO_HANDLE_RESOLVER!;
  const gateway = { url: runtime.url, env: runtime.serviceEnv };
  return mapLimit(Array.from({ length: ACCOUNTS }), 5, async () => {
    const account = await createPdsAccount(pdsUrl);
    const { browser } = await login(gateway, account);
    return { did: account.did, token: (await accessToken(gateway, browser)).accessToken };
  });
}

async function measure(mode: Mode, pds: DevPds): Promise<Lateness> {
  const runtime = await startBenchRuntime({
    DISPATCH_MODE: mode,
    SCHEDULE_MIN_LEAD_SECONDS: '5',
    LOGIN_RATE_LIMIT: '1000',
    // Ten publisher invocations at once: an event source mapping with maximum concurrency 10
    // (the plain local runtime starts five, as Lambda does before it scales).
    LOCAL_SQS_POLLERS: String(POLLERS),
    ATPROTO_HANDLE_RESOLVER: pds.url,
    ATPROTO_PLC_URL: pds.plcUrl,
  });
  try {
    const accounts = await users(runtime);
    // The window starts on a whole second after the scheduling is done; the burst is 40 s in.
    const start = Math.ceil((Date.now() + LEAD_SECONDS * 1000) / 1000) * 1000;
    const burst = start + 40_000;
    const times = Array.from({ length: POSTS }, (_, index) =>
      index < SAME_SECOND ? burst : start + Math.floor(Math.random() * WINDOW_SECONDS) * 1000,
    );
    await mapLimit(times, 10, async (at, index) => {
      const account = accounts[index % ACCOUNTS]!;
      const response = await fetch(`${runtime.url}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ text: `lateness ${mode} #${index} 🕐` }], scheduledAt: new Date(at).toISOString() }),
      });
      if (response.status !== 201) throw new Error(`scheduling answered ${response.status}: ${await response.text()}`);
    });
    if (Date.now() >= start) throw new Error('scheduling took longer than the lead time: raise LEAD_SECONDS');
    process.stdout.write(`  ${mode}: ${POSTS} posts scheduled for ${ACCOUNTS} accounts, first due ${new Date(start).toISOString()}\n`);

    const client = new pg.Client({ connectionString: runtime.databaseUrl });
    await client.connect();
    try {
      // Until every post is over (published or otherwise), or long after the window.
      const deadline = start + (WINDOW_SECONDS + 150) * 1000;
      for (;;) {
        const { rows } = await client.query<{ pending: number }>(
          `SELECT count(*)::int AS pending FROM posts WHERE status IN ('scheduled', 'queued', 'publishing', 'retrying')`,
        );
        if (rows[0]!.pending === 0 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      const { rows } = await client.query<{ status: string; late_ms: number | null; same_second: boolean }>(
        `SELECT status, (extract(epoch FROM published_at - scheduled_at) * 1000)::float8 AS late_ms, scheduled_at = $1 AS same_second FROM posts`,
        [new Date(burst)],
      );
      const published = rows.filter((row) => row.status === 'published');
      const lateness = published.map((row) => row.late_ms!).sort((a, b) => a - b);
      const burstLateness = published
        .filter((row) => row.same_second)
        .map((row) => row.late_ms!)
        .sort((a, b) => a - b);
      const notPublished: Record<string, number> = {};
      for (const row of rows) if (row.status !== 'published') notPublished[row.status] = (notPublished[row.status] ?? 0) + 1;
      return {
        mode,
        published: published.length,
        notPublished,
        early: lateness.filter((ms) => ms < 0).length,
        p50: percentile(lateness, 50),
        p95: percentile(lateness, 95),
        p99: percentile(lateness, 99),
        max: lateness.at(-1) ?? Number.NaN,
        sameSecond: { p50: percentile(burstLateness, 50), p99: percentile(burstLateness, 99), max: burstLateness.at(-1) ?? Number.NaN },
      };
    } finally {
      await client.end();
    }
  } finally {
    await runtime.stop();
  }
}

/**
 * `pnpm bench lateness`: 300 posts across 30 accounts due within two minutes, 100 of them in the
 * same second, published by the whole local system (`pnpm dev`: dispatcher ticking every minute on
 * the wall clock, the publish queue, the publisher's event source) to a dev PDS in this process, once
 * with look-ahead dispatch and once in naive mode. Lateness is scheduled time → record written
 * (`published_at`, set when the PDS acknowledged the write). Target: look-ahead p99 ≤ 2 s.
 * `pnpm bench lateness lookahead` (or `naive`) runs one mode only.
 */
export async function run() {
  process.stdout.write(
    `lateness: ${POSTS} posts, ${ACCOUNTS} accounts, ${SAME_SECOND} in one second, due within ${WINDOW_SECONDS} s, ${POLLERS} publisher invocations at once\n`,
  );
  const results: Lateness[] = [];
  const only = process.argv[3] as Mode | undefined;
  // The users' PDS runs here, not inside the runtime as with `--demo`: a user's PDS never shares
  // Chronopost's event loop, and 100 writes at once are real work for it. One for both runs (each
  // run signs up its own accounts).
  const pdsDir = await mkdtemp(join(tmpdir(), 'chronopost-bench-pds-'));
  const pds = await startDevPds({ dataDir: pdsDir });
  try {
    for (const mode of ['lookahead', 'naive'] as const) if (!only || only === mode) results.push(await measure(mode, pds));
  } finally {
    await pds.close();
    await rm(pdsDir, { recursive: true, force: true });
  }
  const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`.padStart(12);
  const row = (label: string, pick: (result: Lateness) => string) =>
    `${label.padEnd(26)}${results.map((result) => pick(result).padStart(14)).join('')}\n`;
  process.stdout.write(
    `\n${row('', (result) => result.mode)}` +
      row('published', (result) => `${result.published}/${POSTS}`) +
      row('not published', (result) => JSON.stringify(result.notPublished)) +
      row('written early', (result) => String(result.early)) +
      row('lateness p50', (result) => ms(result.p50)) +
      row('lateness p95', (result) => ms(result.p95)) +
      row('lateness p99', (result) => ms(result.p99)) +
      row('lateness max', (result) => ms(result.max)) +
      row('same-second p50', (result) => ms(result.sameSecond.p50)) +
      row('same-second p99', (result) => ms(result.sameSecond.p99)) +
      row('same-second max', (result) => ms(result.sameSecond.max)),
  );
  const lookahead = results.find((result) => result.mode === 'lookahead');
  if (!lookahead) return;
  const met = lookahead.published === POSTS && lookahead.early === 0 && lookahead.p99 <= TARGET_P99_MS;
  process.stdout.write(`\ntarget: look-ahead p99 ≤ ${TARGET_P99_MS} ms, all published, none early → ${met ? 'met' : 'NOT met'}\n`);
}
