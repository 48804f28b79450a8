import { LOOK_AHEAD_MS } from '@chronopost/core';
import { type ClaimedPost, claimDuePosts, createDatabase, reapStuckPosts } from '@chronopost/db';
import { startBenchPostgres } from './postgres';

const DUE = 1_000;
const SIZES = [10_000, 1_000_000];
const RUNS = 9;
/** A tick claims in pages of this many (services/dispatcher/src/tick.ts). */
const PAGE = 500;
const TARGET_MS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * `pnpm bench dispatch`: one dispatcher tick's database work — claiming the 1,000 posts that fall
 * due (`FOR UPDATE SKIP LOCKED`, late-policy check, `queued`) in pages of 500, and the reaper's
 * scan — with 10,000 and with 1,000,000 posts waiting, on a real PostgreSQL with durable commits.
 * Sending is left out (a no-op that accepts every message) so the number is the claim itself.
 * Target: ≤ 50 ms at 1M and ≤ 1.5× the 10k time; the plan must use the partial due index.
 */
export async function run() {
  const postgres = await startBenchPostgres('dispatch');
  try {
    const url = postgres.url;
    const db = createDatabase({ url, schema: 'public' }, { max: 2, applicationName: 'bench-dispatch' });
    const sql = (text: string, params: unknown[] = []) => db.$client.query(text, params);
    await sql(`INSERT INTO accounts (did, handle, pds_url) VALUES ('did:plc:bench', 'bench.test', 'http://127.0.0.1:1')`);
    const now = new Date();
    const accept = async (posts: ClaimedPost[]) => new Set(posts.map((post) => post.id));
    const results: Array<{ size: number; claimMs: number; worstMs: number; reapMs: number; plan: string }> = [];

    // The 1,000 due: within the look-ahead window (claimed ones from the previous run go first).
    const resetDue = async () => {
      await sql(
        `DELETE FROM posts WHERE status IN ('scheduled', 'queued', 'missed') AND scheduled_at < $1::timestamptz + interval '5 minutes'`,
        [now],
      );
      await sql(
        `INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at)
         SELECT 'did:plc:bench', 'scheduled', $1::timestamptz + make_interval(secs => g % 70), $1::timestamptz + make_interval(secs => g % 70) FROM generate_series(1, $2) AS g`,
        [now, DUE],
      );
    };
    let seeded = 0;
    for (const size of SIZES) {
      // Posts that wait: spread over the coming year, none due.
      const waiting = size - DUE;
      await sql(
        `INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at)
         SELECT 'did:plc:bench', 'scheduled', t, t FROM (
           SELECT $1::timestamptz + make_interval(secs => 600 + (g * 31536000.0 / $2)) AS t FROM generate_series($3::int, $2::int) AS g
         ) AS s`,
        [now, waiting, seeded + 1],
      );
      seeded = waiting;
      // And some in flight and finished, as a live table has.
      await sql(
        `UPDATE posts SET status = 'published', next_attempt_at = NULL, published_at = now() WHERE id IN (SELECT id FROM posts WHERE status = 'scheduled' ORDER BY random() LIMIT $1)`,
        [Math.floor(size / 10)],
      );
      await sql('VACUUM ANALYZE posts');

      const claims: number[] = [];
      const reaps: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await resetDue();
        const started = performance.now();
        let claimed = 0;
        for (;;) {
          const page = await claimDuePosts(db, { until: new Date(now.getTime() + LOOK_AHEAD_MS), now, limit: PAGE }, accept);
          claimed += page.queued.length;
          if (page.queued.length < PAGE) break;
        }
        claims.push(performance.now() - started);
        if (claimed !== DUE) throw new Error(`claimed ${claimed}, expected ${DUE}`);
        const reapStarted = performance.now();
        await reapStuckPosts(db, { now, limit: PAGE }, accept);
        reaps.push(performance.now() - reapStarted);
      }
      // The plan with the due posts in place (FOR UPDATE only locks; autocommit lets go at once).
      await resetDue();
      const plan = await sql(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT id FROM posts WHERE status IN ('scheduled', 'retrying') AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT ${PAGE} FOR UPDATE SKIP LOCKED`,
        [new Date(now.getTime() + LOOK_AHEAD_MS)],
      );
      results.push({
        size,
        // The first run warms the cache; the median of the rest is the number.
        claimMs: median(claims.slice(1)),
        worstMs: Math.max(...claims.slice(1)),
        reapMs: median(reaps.slice(1)),
        plan: plan.rows.map((row: Record<string, string>) => `    ${row['QUERY PLAN']}`).join('\n'),
      });
    }
    await db.$client.end();

    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    process.stdout.write(
      `dispatch: one tick claiming ${DUE} due posts (pages of ${PAGE}), median of ${RUNS - 1} runs, durable commits\n\n`,
    );
    process.stdout.write(`${'posts waiting'.padEnd(16)}${'claim'.padStart(12)}${'worst'.padStart(12)}${'reaper'.padStart(12)}\n`);
    for (const result of results) {
      process.stdout.write(
        `${result.size.toLocaleString('en').padEnd(16)}${fmt(result.claimMs).padStart(12)}${fmt(result.worstMs).padStart(12)}${fmt(result.reapMs).padStart(12)}\n`,
      );
    }
    for (const result of results) process.stdout.write(`\nplan at ${result.size.toLocaleString('en')}:\n${result.plan}\n`);
    const [small, large] = results as [(typeof results)[number], (typeof results)[number]];
    const usesIndex = large.plan.includes('posts_due_idx');
    const met = large.claimMs <= TARGET_MS && large.claimMs <= 1.5 * small.claimMs && usesIndex;
    process.stdout.write(
      `\ntarget: ≤ ${TARGET_MS} ms at 1M (${fmt(large.claimMs)}), ≤ 1.5× the 10k time (${(large.claimMs / small.claimMs).toFixed(2)}×), due index used (${usesIndex}) → ${met ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await postgres.stop();
  }
}
