import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { JoseKey, OAuthSession, type TokenSet } from '@atproto/oauth-client-node';
import { createAtprotoFetch, holdingFetch, writeRecords, type Write } from '@chronopost/bluesky';
import { observedFetch } from '@chronopost/testing/observed-fetch';
import { WRITE_MADE_AHEAD_MS, writeAtSecond } from '../services/publisher/src/write-at-second';
import { startServerProcess } from './server-process';

const ROUNDS = 5;
/** What `pnpm bench lateness` asks of ours: due → the write sent, p99. */
const TARGET_OWN_P99_MS = 20;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * `pnpm bench same-second [N] [--at-second]`: what the publisher's own work at the second costs
 * when N posts (100 unless given) are due in it and one process holds them all, as the local
 * runtime does. Each post's session is already read and its token pinned, its records built: what
 * remains is the publisher's write path itself, `writeAtSecond` (services/publisher): the write
 * made a second ahead through the library's `OAuthSession.fetchHandler` (DPoP proof) and our
 * SSRF-safe fetch's `prepare`, held, and sent at the second. `--at-second` makes each write at
 * the second instead (`writeRecords` then, as the publisher did before), for comparison. The
 * resource server is an HTTP server in its own process answering at once (`answer-server.ts`; not
 * a PDS: the PDS's own time is `pnpm bench lateness`'s "PDS" rows) and saying when each request
 * reached it, so everything measured is ours (and that server's reading of 100 requests at once).
 * Prints, per round, when each write was sent (what `write_sent_at` records) and when its request
 * reached the server, from the second, and the CPU per write; the median over rounds against the
 * 20 ms of our own lateness.
 */
export async function run() {
  const posts = Number(process.argv.slice(3).find((arg) => /^\d+$/.test(arg)) ?? 100);
  // The resource server in a process of its own: in this one it could not see a request before
  // this process's event loop let it, whatever the socket did.
  const server = await startServerProcess('answer-server.ts', { input: '{"results":[]}' });
  const origin = server.url;
  const wallNow = () => performance.timeOrigin + performance.now();
  const arrivals: number[] = [];
  const safeFetch = createAtprotoFetch({ privateOrigins: [origin] });
  // Our safe fetch as the publisher has it (behind the OAuth client's `holdingFetch`); the
  // server's answer says when the request reached it.
  const recording = observedFetch(safeFetch, (_path, response) => arrivals.push(Number(response.headers.get('x-received-at'))));
  const fetch = holdingFetch(recording);
  // `--at-second`: the write made at the second too, as the publisher did before it made it ahead.
  const atSecond = process.argv.includes('--at-second');
  const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
  const sessions = await Promise.all(
    Array.from({ length: posts }, async (_, index) => {
      const did: `did:plc:${string}` = `did:plc:samesecond${String(index).padStart(14, '0')}`;
      // An access token the size of a PDS's (a JWT), valid for the hour.
      const tokenSet: TokenSet = {
        iss: origin,
        sub: did,
        aud: origin,
        scope: 'atproto transition:generic',
        token_type: 'DPoP',
        access_token: `ey${'x'.repeat(700)}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      };
      // The token set as the publisher pins it before the second: no store, no lock, no refresh.
      const sessionGetter = { getSession: async () => ({ tokenSet }), delStored: async () => undefined };
      const agent = {
        dpopKey: await JoseKey.generate(['ES256']),
        serverMetadata: { dpop_signing_alg_values_supported: ['ES256'] },
        // A nonce of the server's, as a publisher that talked to this PDS within the minute holds.
        dpopNonces: new Map<string, string>([[new URL(origin).origin, 'bench-nonce']]),
        runtime: { sha256: async (text: string) => createHash('sha256').update(text).digest('base64url') },
      };
      return { did, session: new OAuthSession(agent as never, did, sessionGetter as never, fetch) };
    }),
  );
  const writes: Write[] = [
    {
      $type: 'com.atproto.repo.applyWrites#create',
      collection: 'app.bsky.feed.post',
      rkey: '3lbenchsamesec',
      value: {
        $type: 'app.bsky.feed.post',
        text: 'a post due at the top of the hour #bench',
        createdAt: new Date().toISOString(),
        langs: ['en'],
      },
    },
  ];
  // Warm-up: JIT, the connection pool, the modules the first request loads.
  for (const { session, did } of sessions.slice(0, 10)) await writeRecords(session, did, writes);
  arrivals.length = 0;

  const results: Array<{ begun: number[]; arrived: number[]; cpuMs: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    // On a whole millisecond, as a post's due time is (a whole second).
    const second = Math.ceil(wallNow()) + WRITE_MADE_AHEAD_MS + 500;
    const begun: number[] = [];
    const cpu = process.cpuUsage();
    await Promise.all(
      sessions.map(async ({ session, did }) => {
        if (atSecond) {
          // A timer each, until the clock reads the second, then the whole write.
          for (let wait = second - wallNow(); wait > 0; wait = second - wallNow())
            await new Promise((resolve) => setTimeout(resolve, wait));
          begun.push(wallNow() - second);
          await writeRecords(session, did, writes);
          return;
        }
        // As the publisher writes: made ahead, sent at the second.
        const write = writeAtSecond(clock, session, { did, pdsUrl: origin }, writes, second);
        await write.result;
        begun.push(write.sentAt()!.getTime() - second);
      }),
    );
    const used = process.cpuUsage(cpu);
    results.push({
      begun: begun.sort((a, b) => a - b),
      arrived: arrivals
        .splice(0)
        .map((at) => at - second)
        .sort((a, b) => a - b),
      cpuMs: (used.user + used.system) / 1000 / posts,
    });
  }
  await server.stop();

  const fmt = (value: number) => `${value.toFixed(1)} ms`.padStart(9);
  console.log(`same second: ${posts} writes due at one instant in one process, ${ROUNDS} rounds, load ${loadavg()[0]!.toFixed(1)}`);
  for (const [index, result] of results.entries()) {
    console.log(
      `  #${index + 1}  sent: p50 ${fmt(percentile(result.begun, 0.5))} p99 ${fmt(percentile(result.begun, 0.99))}` +
        `   request at the server: first ${fmt(result.arrived[0]!)} p50 ${fmt(percentile(result.arrived, 0.5))} p99 ${fmt(percentile(result.arrived, 0.99))}` +
        `   CPU ${result.cpuMs.toFixed(2)} ms per write (this process)`,
    );
  }
  const begunP99 = median(results.map((result) => percentile(result.begun, 0.99)));
  const arrivedP99 = median(results.map((result) => percentile(result.arrived, 0.99)));
  console.log(
    `\nmedian p99: sent ${begunP99.toFixed(1)} ms, at the server ${arrivedP99.toFixed(1)} ms after the second; ` +
      `ours ≤ ${TARGET_OWN_P99_MS} ms for ${posts} in one process → ${arrivedP99 <= TARGET_OWN_P99_MS ? 'met' : 'NOT met'} ` +
      `(the floor under \`pnpm bench lateness\`'s own p99 with this many posts in one second)`,
  );
}
