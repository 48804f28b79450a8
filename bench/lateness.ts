import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPdsAccount, startDevPlc } from '@chronopost/local';
import { summariseCpuProfile } from './cpu-profile';
import { accessToken, login } from '@chronopost/testing/oauth-login';
import pg from 'pg';
import { type BenchRuntime, processCpuMs, startBenchRuntime } from './local-runtime';
import { type ServerProcess, startServerProcess } from './server-process';

const ACCOUNTS = 30;
const POSTS = 300;
const SAME_SECOND = 100;
const WINDOW_SECONDS = 120;
/** Scheduling all posts must be over before the first is due. */
const LEAD_SECONDS = 25;
/** End to end (due → the PDS's answer), with the accounts on three PDSes. */
const TARGET_P99_MS = 1_000;
/** Ours alone: due → the write request leaving for the PDS. */
const TARGET_OWN_P99_MS = 20;
/**
 * Publisher invocations at once, at most (the publish queue's event source). A post's message
 * arrives ~4 s before its second and holds its invocation until the write, and when messages
 * become visible a few at a time a batch may hold one post: the ~1.7 posts/s due around the burst
 * keep ~9 invocations busy, and the 100 of the same second up to a hundred more. With 10 in all the
 * burst's messages waited for a free invocation (claims from 1.8 s before their second to 2.2 s
 * after it, the "claim − due" rows); with 40 (pollers that each waited for their invocation) a
 * few still came after the second in some runs. The local runtime's default, 100, is used here:
 * five pollers feed up to that many invocations. Production allows 1,000
 * (`publish_max_concurrency`; how fast AWS gets there is in docs/architecture.md § The
 * top-of-the-hour burst).
 */
const MAX_CONCURRENCY = 100;

type Mode = 'lookahead' | 'naive';
type Spread = 'three' | 'one';

interface Tail {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface Lateness {
  mode: Mode;
  spread: Spread;
  published: number;
  notPublished: Record<string, number>;
  /** Attempts that ended otherwise than published, by outcome and reason. */
  otherAttempts: Record<string, number>;
  /** Records written before their time (must be 0). */
  early: number;
  /** Due → the PDS's answer (`published_at`). */
  endToEnd: Tail;
  /** Due → the write request sent (the attempt's `write_sent_at`): ours. */
  own: Tail;
  /** Request sent → answered: the PDS's (and the network's). */
  pds: Tail;
  /** Of the same second's posts: claimed (their attempt begun) − due, i.e. minus how early. */
  sameSecond: { claimed: Tail; endToEnd: Tail; own: Tail; ownMin: number };
  /** CPU (user + system) of the runtime process from the first due second to the end, ms per post. */
  cpuPerPostMs: number | undefined;
  /** CPU of the PDS processes the accounts are on, over the same span, ms per post. */
  pdsCpuPerPostMs: number;
  /**
   * From the burst's second to the last of its answers: how long, and the CPU the PDS processes,
   * the runtime and PostgreSQL used meanwhile (/proc, sampled every 50 ms: ±60 ms).
   */
  burstCpu: ReturnType<typeof cpuBetween>;
  load: [number, number];
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

const tail = (values: number[]): Tail => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
};

/** When it was read (ms since the epoch), and the CPU used so far by each side (ms, /proc). */
interface CpuSample {
  at: number;
  pds: number;
  runtime: number;
  postgres: number;
}

/** CPU used between two moments, from the last sample at or before `from` to the first at or after `to`. */
function cpuBetween(samples: CpuSample[], from: number, to: number) {
  if (!Number.isFinite(to)) return undefined;
  const first = samples.findLast((sample) => sample.at <= from);
  const last = samples.find((sample) => sample.at >= to);
  if (!first || !last) return undefined;
  return {
    windowMs: last.at - first.at,
    pds: last.pds - first.pds,
    runtime: last.runtime - first.runtime,
    postgres: last.postgres - first.postgres,
  };
}

/**
 * The PDS processes' scheduling priority (nice). Real PDSes are other hosts: their work never
 * takes our publisher's CPU. Here they share two cores with it, and each write costs a dev PDS
 * ~21–31 ms of CPU: at equal priority, the first writes of a burst wake three PDS processes that
 * preempt the runtime while it is still sending the rest (seen: the hundred sends of one second,
 * ~15 ms of CPU, spread over 26–43 ms). At nice 10 they still get every cycle the runtime and
 * PostgreSQL leave (their total CPU is the same: the "PDS" and "end to end" rows still carry it)
 * but no longer interrupt our sends. `--pds-same-priority` runs them at ours, for comparison.
 */
const PDS_NICE = 10;
const pdsSamePriority = () => process.argv.includes('--pds-same-priority');

/** A dev PDS in its own process (`pds-server.ts`), on the shared PLC directory. */
type Pds = ServerProcess;
async function startPdsProcess(plcUrl: string, dataDir: string): Promise<Pds> {
  const pds = await startServerProcess('pds-server.ts', { env: { PLC_URL: plcUrl, DATA_DIR: dataDir } });
  if (!pdsSamePriority()) setPriority(pds.process.pid!, PDS_NICE);
  return pds;
}

/**
 * 30 accounts spread over the PDSes, each logged in to Chronopost through the real OAuth flow (by
 * DID: a dev PDS resolves only its own accounts' `.test` handles).
 */
async function users(runtime: BenchRuntime, pdsUrls: string[]) {
  const gateway = { url: runtime.url, env: runtime.serviceEnv };
  return mapLimit(Array.from({ length: ACCOUNTS }), 5, async (_, index) => {
    const account = await createPdsAccount(pdsUrls[index % pdsUrls.length]!);
    const { browser } = await login(gateway, account, '/dashboard', account.did);
    return { did: account.did, token: (await accessToken(gateway, browser)).accessToken };
  });
}

async function measure(mode: Mode, spread: Spread, pdses: Pds[], plcUrl: string, profile: boolean): Promise<Lateness> {
  const pdsUrls = pdses.map((pds) => pds.url);
  const pdsCpu = () => pdses.reduce((sum, pds) => sum + processCpuMs(pds.process.pid!), 0);
  const profileDir = profile ? await mkdtemp(join(tmpdir(), 'chronopost-bench-prof-')) : undefined;
  let firstDue = 0;
  const runtime = await startBenchRuntime(
    {
      DISPATCH_MODE: mode,
      SCHEDULE_MIN_LEAD_SECONDS: '5',
      LOGIN_RATE_LIMIT: '1000',
      // See MAX_CONCURRENCY.
      LOCAL_PUBLISH_MAX_CONCURRENCY: String(MAX_CONCURRENCY),
      ATPROTO_HANDLE_RESOLVER: pdsUrls[0]!,
      ATPROTO_PLC_URL: plcUrl,
      ATPROTO_PRIVATE_ORIGINS: pdsUrls.join(','),
    },
    [],
    profileDir,
  );
  try {
    const accounts = await users(runtime, pdsUrls);
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
    process.stdout.write(
      `  ${mode}, ${spread} PDS: ${POSTS} posts scheduled for ${ACCOUNTS} accounts, first due ${new Date(start).toISOString()}, load ${loadavg()[0]!.toFixed(1)}\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, start - Date.now()));
    firstDue = start;
    const cpuBefore = runtime.cpuMs();
    const pdsCpuBefore = pdsCpu();
    const loadBefore = loadavg()[0]!;
    // Who had the CPU while the burst's writes were answered: samples from just before its second.
    const samples: CpuSample[] = [];
    const sampling = new Promise<void>((resolve) => {
      setTimeout(
        () => {
          const timer = setInterval(() => {
            const cpu = runtime.cpuMs();
            if (cpu) samples.push({ at: Date.now(), pds: pdsCpu(), ...cpu });
            if (Date.now() > burst + 15_000) resolve(clearInterval(timer));
          }, 50);
        },
        burst - 500 - Date.now(),
      );
    });

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
      const cpuAfter = runtime.cpuMs();
      const pdsCpuAfter = pdsCpu();
      await sampling;
      const loadAfter = loadavg()[0]!;
      const { rows } = await client.query<{
        status: string;
        late_ms: number | null;
        own_ms: number | null;
        same_second: boolean;
        lead_ms: number | null;
      }>(
        `SELECT p.status, (extract(epoch FROM p.published_at - p.scheduled_at) * 1000)::float8 AS late_ms,
           (extract(epoch FROM p.scheduled_at - a.started_at) * 1000)::float8 AS lead_ms,
           (extract(epoch FROM a.write_sent_at - p.scheduled_at) * 1000)::float8 AS own_ms, p.scheduled_at = $1 AS same_second
         FROM posts p LEFT JOIN publish_attempts a ON a.post_id = p.id AND a.outcome = 'published'`,
        [new Date(burst)],
      );
      // Attempts that did not publish (a retry, a take-over): what ended them.
      const others = await client.query<{ outcome: string | null; reason: string | null; count: number }>(
        `SELECT outcome, reason_code AS reason, count(*)::int AS count FROM publish_attempts
         WHERE outcome IS DISTINCT FROM 'published' GROUP BY 1, 2 ORDER BY 3 DESC`,
      );
      const published = rows.filter((row) => row.status === 'published');
      const withOwn = published.filter((row) => row.own_ms !== null);
      const notPublished: Record<string, number> = {};
      for (const row of rows) if (row.status !== 'published') notPublished[row.status] = (notPublished[row.status] ?? 0) + 1;
      return {
        mode,
        spread,
        published: published.length,
        notPublished,
        otherAttempts: Object.fromEntries(others.rows.map((row) => [`${row.outcome ?? 'unfinished'}:${row.reason ?? '-'}`, row.count])),
        early: published.filter((row) => row.late_ms! < 0 || (row.own_ms ?? 0) < 0).length,
        endToEnd: tail(published.map((row) => row.late_ms!)),
        own: tail(withOwn.map((row) => row.own_ms!)),
        pds: tail(withOwn.map((row) => row.late_ms! - row.own_ms!)),
        sameSecond: {
          claimed: tail(published.filter((row) => row.same_second && row.lead_ms !== null).map((row) => -row.lead_ms!)),
          endToEnd: tail(published.filter((row) => row.same_second).map((row) => row.late_ms!)),
          own: tail(withOwn.filter((row) => row.same_second).map((row) => row.own_ms!)),
          // With the min: the same second's writes spread from min to max, one after the other.
          ownMin: Math.min(...withOwn.filter((row) => row.same_second).map((row) => row.own_ms!)),
        },
        cpuPerPostMs: cpuBefore && cpuAfter ? (cpuAfter.runtime - cpuBefore.runtime) / POSTS : undefined,
        burstCpu: cpuBetween(samples, burst, burst + Math.max(...published.filter((row) => row.same_second).map((row) => row.late_ms!))),
        pdsCpuPerPostMs: (pdsCpuAfter - pdsCpuBefore) / POSTS,
        load: [loadBefore, loadAfter],
      };
    } finally {
      await client.end();
    }
  } finally {
    const exitedAt = await runtime.stop();
    if (profileDir && firstDue) {
      // From the first due second to the end of the run: publication, not sign-ups and scheduling.
      const summary = await summariseCpuProfile(profileDir, { fromEndMs: exitedAt - firstDue, toEndMs: 0 });
      const show = (entries: Array<{ name: string; ms: number; share: number }>) =>
        entries
          .map((entry) => `    ${(100 * entry.share).toFixed(1).padStart(5)}%  ${(entry.ms / POSTS).toFixed(2)} ms/post  ${entry.name}`)
          .join('\n');
      process.stdout.write(
        `  ${mode}, ${spread} PDS: runtime self time from the first due second ${(summary.totalMs / POSTS).toFixed(1)} ms per post (V8 profile), by package:\n${show(summary.packages)}\n  by function:\n${show(summary.functions.slice(0, 20))}\n`,
      );
      await rm(profileDir, { recursive: true, force: true });
    }
  }
}

/**
 * `pnpm bench lateness`: 300 posts across 30 accounts due within two minutes, 100 of them in the
 * same second, published by the whole local system (`pnpm dev`: dispatcher ticking every minute on
 * the wall clock, the publish queue, the publisher's event source) to dev PDSes, each in a process
 * of its own on one PLC directory: the accounts spread over three PDSes (as real accounts are
 * spread over many hosts), then all on one, then naive dispatch over three. Each published
 * attempt records when its write request left (`write_sent_at`): due → sent is our own lateness,
 * sent → answered (`published_at`) the PDS's. Targets (look-ahead, three PDSes): ours p99 ≤ 20 ms,
 * end to end p99 ≤ 1 s. `pnpm bench lateness [lookahead|naive] [three|one]` runs one row;
 * `--cpu-prof` prints where the runtime's CPU went from the first due second on. The PDS
 * processes run at a lower priority (`PDS_NICE`), `--pds-same-priority` at ours.
 */
export async function run() {
  const args = process.argv.slice(3).filter((arg) => !arg.startsWith('--'));
  const onlyMode = args[0] as Mode | undefined;
  const onlySpread = args[1] as Spread | undefined;
  const runs = (
    [
      ['lookahead', 'three'],
      ['lookahead', 'one'],
      ['naive', 'three'],
    ] as const
  ).filter(([mode, spread]) => (!onlyMode || mode === onlyMode) && (!onlySpread || spread === onlySpread));
  process.stdout.write(
    `lateness: ${POSTS} posts, ${ACCOUNTS} accounts, ${SAME_SECOND} in one second, due within ${WINDOW_SECONDS} s, up to ${MAX_CONCURRENCY} publisher invocations at once, ` +
      `PDS processes at ${pdsSamePriority() ? 'our priority' : `nice ${PDS_NICE}`}\n`,
  );
  const results: Lateness[] = [];
  // The users' PDSes never share Chronopost's event loop (nor each other's): one process each,
  // shared by the runs (each run signs up its own accounts).
  const dir = await mkdtemp(join(tmpdir(), 'chronopost-bench-pds-'));
  const plc = await startDevPlc();
  const pdses: Pds[] = [];
  try {
    for (let n = 0; n < 3; n++) pdses.push(await startPdsProcess(plc.url, join(dir, String(n))));
    for (const [mode, spread] of runs) {
      results.push(await measure(mode, spread, pdses.slice(0, spread === 'three' ? 3 : 1), plc.url, process.argv.includes('--cpu-prof')));
    }
  } finally {
    for (const pds of pdses) await pds.stop();
    await plc.close();
    await rm(dir, { recursive: true, force: true });
  }
  const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
  const row = (label: string, pick: (result: Lateness) => string) =>
    `${label.padEnd(28)}${results.map((result) => pick(result).padStart(20)).join('')}\n`;
  const tailRows = (label: string, pick: (result: Lateness) => Tail) =>
    (['p50', 'p95', 'p99', 'max'] as const).map((q) => row(`${label} ${q}`, (result) => ms(pick(result)[q]))).join('');
  process.stdout.write(
    `\n${row('', (result) => `${result.mode}, ${result.spread} PDS`)}` +
      row('published', (result) => `${result.published}/${POSTS}`) +
      row('not published', (result) => JSON.stringify(result.notPublished)) +
      row('other attempts', (result) => JSON.stringify(result.otherAttempts)) +
      row('written early', (result) => String(result.early)) +
      tailRows('end to end', (result) => result.endToEnd) +
      tailRows('ours (due → sent)', (result) => result.own) +
      tailRows('PDS (sent → answer)', (result) => result.pds) +
      row('same second: end to end p99', (result) => ms(result.sameSecond.endToEnd.p99)) +
      tailRows('same second: ours', (result) => result.sameSecond.own) +
      row('same second: ours min', (result) => ms(result.sameSecond.ownMin)) +
      tailRows('same second: claim − due', (result) => result.sameSecond.claimed) +
      row('runtime CPU per post', (result) => (result.cpuPerPostMs === undefined ? '?' : `${result.cpuPerPostMs.toFixed(1)} ms`)) +
      row("PDSes' CPU per post", (result) => `${result.pdsCpuPerPostMs.toFixed(1)} ms`) +
      row('second → last answer', (result) => (result.burstCpu ? ms(result.burstCpu.windowMs) : '?')) +
      row('  CPU of the PDSes', (result) => (result.burstCpu ? ms(result.burstCpu.pds) : '?')) +
      row('  CPU of the runtime', (result) => (result.burstCpu ? ms(result.burstCpu.runtime) : '?')) +
      row('  CPU of PostgreSQL', (result) => (result.burstCpu ? ms(result.burstCpu.postgres) : '?')) +
      row('load (1 min) first due/end', (result) => `${result.load[0].toFixed(1)} / ${result.load[1].toFixed(1)}`),
  );
  const lookahead = results.find((result) => result.mode === 'lookahead' && result.spread === 'three');
  if (!lookahead) return;
  process.stdout.write(
    `\n"second → last answer": from the burst's second to the last of its hundred answers, and the CPU each side used ` +
      `meanwhile (/proc, ±60 ms), against ${availableParallelism()} cores × that time: who had the machine while the writes were answered.\n`,
  );
  const all = lookahead.published === POSTS && lookahead.early === 0;
  process.stdout.write(
    `\ntarget (look-ahead, three PDSes): all published, none early → ${all ? 'met' : 'NOT met'}; ` +
      `ours p99 ≤ ${TARGET_OWN_P99_MS} ms → ${lookahead.own.p99 <= TARGET_OWN_P99_MS ? 'met' : 'NOT met'} (${ms(lookahead.own.p99)}); ` +
      `end to end p99 ≤ ${TARGET_P99_MS} ms → ${lookahead.endToEnd.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (${ms(lookahead.endToEnd.p99)})\n`,
  );
}
