import autocannon, { type Result } from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { summariseCpuProfile } from './cpu-profile';
import { startBenchRuntime } from './local-runtime';
import { openLoop, type OpenLoopResult } from './open-loop';
import { startServerProcess } from './server-process';

const SEEDED_POSTS = 10_000;
const LIST_RATE = 200;
const CREATE_RATE = 100;
const DURATION_SECONDS = 15;
const LIST_TARGET_MS = 25;
const CREATE_TARGET_MS = 15;

/** A paced phase's latencies and the CPU it cost per request (runtime and PostgreSQL, from /proc). */
interface Paced extends OpenLoopResult {
  cpu: { runtime: number; postgres: number; generator: number } | undefined;
  load: number;
  window: { from: number; to: number };
}

/**
 * The generator against a server that answers at once with a page of the same size, in its own
 * process: what the generator and the machine add to any server's latency at this rate.
 */
async function generatorFloor(body: string, seconds: number): Promise<OpenLoopResult> {
  const server = await startServerProcess('answer-server.ts', { input: body });
  try {
    return await openLoop({ url: server.url, rate: LIST_RATE, seconds });
  } finally {
    await server.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * `pnpm bench api [rounds] [--cpu-prof]`: the scheduling API on the local runtime and real
 * PostgreSQL, with 10,000 posts in the table (one account holds them all, the worst case for its
 * listing). Open-loop paced load (each request timed from when it was due to be sent), `rounds`
 * times each (3 unless given): GET /posts (a page of 50) at 200 requests/s, target p99 ≤ 25 ms;
 * POST /posts (a post with a link and a hashtag, scheduled tomorrow) at 100 requests/s, target
 * p99 ≤ 15 ms. Then autocannon flat out for throughput. CPU per request from /proc. With
 * `--cpu-prof` the runtime writes a V8 CPU profile and the paced phases' self time is printed
 * by function and by package.
 */
export async function run() {
  const rounds = Number(process.argv.slice(3).find((arg) => /^\d+$/.test(arg)) ?? 3);
  const profileDir = process.argv.includes('--cpu-prof') ? await mkdtemp(join(tmpdir(), 'chronopost-bench-prof-')) : undefined;
  const runtime = await startBenchRuntime({}, [], profileDir);
  const listRounds: Paced[] = [];
  const createRounds: Paced[] = [];
  const flatOut: Array<[string, Result]> = [];
  let floor: OpenLoopResult | undefined;
  let exitedAt: number;
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
    const createBody = () =>
      JSON.stringify({
        items: [{ text: `benchmark #scheduling https://atproto.com ${Math.random()}`, langs: ['en'] }],
        scheduledAt: new Date(Date.now() + 86_400_000 + Math.floor(Math.random() * 86_400_000)).toISOString(),
      });

    // Warm up connections, JIT, the JWKS cache and the lazily loaded paths of both routes.
    await autocannon({ url: `${runtime.url}/posts?limit=50`, headers, connections: 4, amount: 300 });
    await openLoop({ url: `${runtime.url}/posts`, method: 'POST', rate: CREATE_RATE, seconds: 3, headers, body: createBody });

    const paced = async (options: Parameters<typeof openLoop>[0]): Promise<Paced> => {
      const load = loadavg()[0]!;
      const from = Date.now();
      const before = runtime.cpuMs();
      const generatorBefore = process.cpuUsage();
      const result = await openLoop(options);
      const after = runtime.cpuMs();
      const generator = process.cpuUsage(generatorBefore);
      const to = Date.now();
      // Per request of the whole phase (the discarded warm-up seconds included).
      const requests = result.sent + Math.round(options.rate * (options.warmupSeconds ?? 2));
      const cpu =
        before && after
          ? {
              runtime: (after.runtime - before.runtime) / requests,
              postgres: (after.postgres - before.postgres) / requests,
              generator: (generator.user + generator.system) / 1000 / requests,
            }
          : undefined;
      return { ...result, cpu, load, window: { from, to } };
    };
    // A page as the API answers it, for the generator's floor (before the rounds, on a quiet runtime).
    const page = await (await fetch(`${runtime.url}/posts?limit=50`, { headers })).text();
    floor = await generatorFloor(page, DURATION_SECONDS);
    for (let round = 0; round < rounds; round++) {
      listRounds.push(await paced({ url: `${runtime.url}/posts?limit=50`, rate: LIST_RATE, seconds: DURATION_SECONDS, headers }));
      createRounds.push(
        await paced({
          url: `${runtime.url}/posts`,
          method: 'POST',
          rate: CREATE_RATE,
          seconds: DURATION_SECONDS,
          headers,
          body: createBody,
        }),
      );
    }
    if (!profileDir) {
      flatOut.push([
        `GET /posts (50), autocannon at ${LIST_RATE} req/s*`,
        await autocannon({
          url: `${runtime.url}/posts?limit=50`,
          headers,
          connections: 10,
          overallRate: LIST_RATE,
          duration: DURATION_SECONDS,
          ignoreCoordinatedOmission: true,
        }),
      ]);
      flatOut.push([
        'GET /posts (50), autocannon flat out',
        await autocannon({ url: `${runtime.url}/posts?limit=50`, headers, connections: 10, duration: DURATION_SECONDS }),
      ]);
      flatOut.push([
        'POST /posts, autocannon flat out',
        await autocannon({
          url: `${runtime.url}/posts`,
          method: 'POST',
          headers,
          connections: 10,
          duration: DURATION_SECONDS,
          requests: [{ setupRequest: (request) => ({ ...request, body: createBody() }) }],
        }),
      ]);
    }
  } finally {
    exitedAt = await runtime.stop();
  }

  const line = (name: string, result: Result) =>
    `${name.padEnd(46)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(5)} ms   p99 ${String(result.latency.p99).padStart(5)} ms   max ${String(result.latency.max).padStart(5)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`;
  const pacedLine = (name: string, result: Paced) =>
    `${name.padEnd(34)} p50 ${String(result.p50).padStart(5)} ms   p90 ${String(result.p90).padStart(5)} ms   p99 ${String(result.p99).padStart(5)} ms   max ${String(result.max).padStart(6)} ms   non-2xx ${result.errors}/${result.sent}` +
    (result.cpu
      ? `   CPU/request: runtime ${result.cpu.runtime.toFixed(2)} ms, PostgreSQL ${result.cpu.postgres.toFixed(2)} ms, generator ${result.cpu.generator.toFixed(2)} ms`
      : '') +
    `   load ${result.load.toFixed(1)}` +
    (result.server
      ? `\n${''.padEnd(34)} in the gateway (server-timing): p50 ${result.server.p50} ms   p90 ${result.server.p90} ms   p99 ${result.server.p99} ms   max ${result.server.max} ms` +
        `; generator's own lateness in sending: p99 ${result.sendLag.p99} ms, max ${result.sendLag.max} ms`
      : '');
  console.log(
    `\nscheduling API on the local runtime (one Node process), real PostgreSQL, ${SEEDED_POSTS.toLocaleString('en')} posts, open-loop paced ${DURATION_SECONDS} s each, ${rounds} round(s), ${availableParallelism()} cores shared with the load generator`,
  );
  if (floor) {
    console.log(
      `${'generator alone (same page, answered at once)'.padEnd(34)} p50 ${String(floor.p50).padStart(5)} ms   p90 ${String(floor.p90).padStart(5)} ms   p99 ${String(floor.p99).padStart(5)} ms   max ${String(floor.max).padStart(6)} ms   at ${LIST_RATE}/s: the floor under every p99 below`,
    );
  }
  listRounds.forEach((result, index) => console.log(pacedLine(`GET /posts (50) at ${LIST_RATE}/s, #${index + 1}`, result)));
  createRounds.forEach((result, index) => console.log(pacedLine(`POST /posts at ${CREATE_RATE}/s, #${index + 1}`, result)));
  for (const [name, result] of flatOut) console.log(line(name, result));
  if (flatOut.length) console.log(`* autocannon sends each connection's per-second quota as a burst at the start of every second.`);

  if (profileDir) {
    for (const [name, phases] of [
      ['GET /posts', listRounds],
      ['POST /posts', createRounds],
    ] as const) {
      const byPackage = new Map<string, number>();
      const byFunction = new Map<string, number>();
      let totalMs = 0;
      for (const phase of phases) {
        const summary = await summariseCpuProfile(profileDir, {
          fromEndMs: exitedAt - phase.window.from,
          toEndMs: exitedAt - phase.window.to,
        });
        totalMs += summary.totalMs;
        for (const entry of summary.packages) byPackage.set(entry.name, (byPackage.get(entry.name) ?? 0) + entry.ms);
        for (const entry of summary.functions) byFunction.set(entry.name, (byFunction.get(entry.name) ?? 0) + entry.ms);
      }
      const requests = phases.reduce((sum, phase) => sum + phase.sent, 0);
      const show = (map: Map<string, number>, n: number) =>
        [...map]
          .sort((a, b) => b[1] - a[1])
          .slice(0, n)
          .map(([entry, ms]) => `    ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${(ms / requests).toFixed(3)} ms/req  ${entry}`)
          .join('\n');
      console.log(
        `\n${name}: runtime self time in the paced phases ${(totalMs / requests).toFixed(2)} ms per request (V8 profile), by package:`,
      );
      console.log(show(byPackage, 12));
      console.log('  by function:');
      console.log(show(byFunction, 20));
    }
    console.log(`\nprofile: ${profileDir}`);
  } else if (profileDir === undefined) {
    // nothing kept
  }

  const listP99 = listRounds.map((result) => result.p99);
  const createP99 = createRounds.map((result) => result.p99);
  const spread = (values: number[]) =>
    `median ${median(values)} ms, ${Math.min(...values)}–${Math.max(...values)} ms over ${values.length}`;
  console.log(
    `\ntarget: GET /posts p99 ≤ ${LIST_TARGET_MS} ms at ${LIST_RATE} req/s → ${median(listP99) <= LIST_TARGET_MS ? 'met' : 'NOT met'} (${spread(listP99)})`,
  );
  console.log(
    `target: POST /posts p99 ≤ ${CREATE_TARGET_MS} ms at ${CREATE_RATE} req/s → ${median(createP99) <= CREATE_TARGET_MS ? 'met' : 'NOT met'} (${spread(createP99)})`,
  );
  if (profileDir && !process.argv.includes('--keep-profile')) await rm(profileDir, { recursive: true, force: true });
}
