import autocannon, { type Result } from 'autocannon';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { startBenchRuntime } from './local-runtime';
import { openLoop, type OpenLoopResult } from './open-loop';

const SEEDED_POSTS = 10_000;
const LIST_RATE = 200;
const DURATION_SECONDS = 15;

/**
 * `pnpm bench api`: the scheduling API on the local runtime and real PostgreSQL, with 10,000 posts
 * in the table (one account holds them all, the worst case for its listing). Target: GET /posts
 * (a page of 50) at 200 requests/s with p99 ≤ 25 ms.
 */
export async function run() {
  const runtime = await startBenchRuntime();
  try {
    const did = 'did:plc:benchbenchbenchbenchbenc';
    const client = new pg.Client({ connectionString: runtime.databaseUrl });
    await client.connect();
    await client.query(`INSERT INTO accounts (did, handle, pds_url) VALUES ($1, 'bench.test', 'http://127.0.0.1:1')`, [did]);
    await client.query(
      `WITH p AS (
         INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at, clock_id)
         SELECT $1, 'scheduled', now() + make_interval(mins => g), now() + make_interval(mins => g), g % 1024
         FROM generate_series(1, $2) AS g RETURNING id
       )
       INSERT INTO post_items (post_id, owner_did, position, text, facets, langs) SELECT id, $1, 0, 'benchmark post #' || id, '[]'::jsonb, '{en}' FROM p`,
      [did, SEEDED_POSTS],
    );
    await client.query('ANALYZE');
    await client.end();
    const token = await runtime.tokenFor(did);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // Warm up connections, JIT and the JWKS cache.
    await autocannon({ url: `${runtime.url}/posts?limit=50`, headers, connections: 4, amount: 300 });

    const before = runtime.cpuMs();
    const generatorBefore = process.cpuUsage();
    const listPaced = await openLoop({ url: `${runtime.url}/posts?limit=50`, rate: LIST_RATE, seconds: DURATION_SECONDS, headers });
    const after = runtime.cpuMs();
    const generator = process.cpuUsage(generatorBefore);
    const list = await autocannon({
      url: `${runtime.url}/posts?limit=50`,
      headers,
      connections: 10,
      overallRate: LIST_RATE,
      duration: DURATION_SECONDS,
      ignoreCoordinatedOmission: true,
    });
    const createPaced = await openLoop({
      url: `${runtime.url}/posts`,
      method: 'POST',
      rate: 100,
      seconds: DURATION_SECONDS,
      headers,
      body: () =>
        JSON.stringify({
          items: [{ text: `benchmark #scheduling https://atproto.com ${Math.random()}`, langs: ['en'] }],
          scheduledAt: new Date(Date.now() + 86_400_000 + Math.floor(Math.random() * 86_400_000)).toISOString(),
        }),
    });
    const listMax = await autocannon({ url: `${runtime.url}/posts?limit=50`, headers, connections: 10, duration: DURATION_SECONDS });
    const create = await autocannon({
      url: `${runtime.url}/posts`,
      method: 'POST',
      headers,
      connections: 10,
      duration: DURATION_SECONDS,
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              items: [{ text: `benchmark #scheduling https://atproto.com ${Math.random()}`, langs: ['en'] }],
              scheduledAt: new Date(Date.now() + 86_400_000 + Math.floor(Math.random() * 86_400_000)).toISOString(),
            }),
          }),
        },
      ],
    });

    const line = (name: string, result: Result) =>
      `${name.padEnd(46)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(5)} ms   p99 ${String(result.latency.p99).padStart(5)} ms   max ${String(result.latency.max).padStart(5)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`;
    const paced = (name: string, result: OpenLoopResult) =>
      `${name.padEnd(46)} ${String(result.rate).padStart(6)} req/s   p50 ${String(result.p50).padStart(5)} ms   p99 ${String(result.p99).padStart(5)} ms   max ${String(result.max).padStart(5)} ms   non-2xx ${result.errors}   of ${result.sent}`;
    console.log(
      `\nscheduling API on the local runtime (one Node process), real PostgreSQL, ${SEEDED_POSTS.toLocaleString('en')} posts, ${DURATION_SECONDS} s each`,
    );
    console.log(paced(`GET /posts (50), paced at ${LIST_RATE} req/s`, listPaced));
    console.log(line(`GET /posts (50), autocannon at ${LIST_RATE} req/s*`, list));
    console.log(line('GET /posts (50), autocannon flat out', listMax));
    console.log(paced('POST /posts, paced at 100 req/s', createPaced));
    console.log(line('POST /posts, autocannon flat out', create));
    console.log(`* autocannon sends each connection's per-second quota as a burst at the start of every second.`);
    if (before && after) {
      const per = (ms: number) => (ms / (listPaced.sent + LIST_RATE * 2)).toFixed(2);
      console.log(
        `CPU per paced list request: runtime ${per(after.runtime - before.runtime)} ms, PostgreSQL ${per(after.postgres - before.postgres)} ms, ` +
          `load generator ${per((generator.user + generator.system) / 1000)} ms (all on this machine's ${availableParallelism()} cores)`,
      );
    }
    const p99 = listPaced.p99;
    console.log(`\ntarget: list p99 ≤ 25 ms at ${LIST_RATE} req/s → ${p99 <= 25 ? 'met' : 'NOT met'} (${p99} ms, paced)`);
  } finally {
    await runtime.stop();
  }
}
