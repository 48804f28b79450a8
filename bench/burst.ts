import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { EARLY_DELIVERY_MS, LOOK_AHEAD_MS } from '@chronopost/core';
import { claimDuePosts, createDatabase } from '@chronopost/db';
import { sendPublishMessages } from '@chronopost/lambda-kit/publish-queue';
import { createLocalSqsClient, createPublishQueues } from '@chronopost/local';
import { createContext, loadConfig, loadSecrets, tick, type TickResult } from '@chronopost/service-dispatcher';
import { createLogger } from '@chronopost/lambda-kit';
import { startBenchPostgres } from './postgres';
import { startServerProcess } from './server-process';

const POSTS = 100_000;
const ACCOUNTS = 10_000;
/** Of the posts, this many are written during the minute before and dispatched by the API itself. */
const SHORT_NOTICE = 1_000;
const BURST_MS = 60_000;

/** /proc/<pid>/stat fields after the command name: state is [0], utime [11], stime [12], cutime [13], cstime [14]. */
const statOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
const USER_HZ = 100;

/**
 * CPU (ms, user + system) of a process tree as /proc tells it: the process, its live children,
 * and (cutime/cstime) the children that already ended. PostgreSQL's backends are children of
 * its postmaster, found by its data directory on the command line.
 */
function treeCpuMs(isRoot: (proc: { pid: number; cmdline: string }) => boolean): number {
  const processes = readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) return [];
    try {
      return [{ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8'), stat: statOf(pid) }];
    } catch {
      return [];
    }
  });
  const root = processes.find((proc) => isRoot(proc));
  if (!root) return 0;
  const ticks = (stat: string[], fields: number[]) => fields.reduce((sum, field) => sum + Number(stat[field]), 0);
  let total = ticks(root.stat, [11, 12, 13, 14]);
  for (const proc of processes) if (Number(proc.stat[1]) === root.pid) total += ticks(proc.stat, [11, 12]);
  return (total * 1000) / USER_HZ;
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/**
 * `pnpm bench burst`: the top of the hour. 100,000 posts of 10,000 accounts fall due within one
 * minute (uniformly over T0 … T0 + 60 s) in a real PostgreSQL; 1,000 of them are written during
 * the minute before and dispatched by the API's short-notice path, the rest wait for the
 * dispatcher's ticks, run on the wall clock's minutes (T0 − 60 s, T0, T0 + 60 s) as EventBridge
 * would. Each SendMessageBatch the local SQS accepts is timed: a post is "on the queue" when
 * the batch carrying it was answered. Target: every post on the queue, with the delay that makes
 * it arrive `EARLY_DELIVERY_MS` before its second, before its due second.
 */
export async function run() {
  const postgres = await startBenchPostgres('burst');
  const { dir, url } = postgres;
  const sqsServer = await startServerProcess('sqs-server.ts').catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });
  try {
    const sqs = createLocalSqsClient(sqsServer.url);
    const queues = await createPublishQueues(sqs, {
      name: 'burst',
      deadLetterName: 'burst-dlq',
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
    });

    // When SQS accepted each post's message, and the delay it was given.
    const accepted = new Map<string, { at: number; dueAt: number; delaySeconds: number }>();
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'SendMessageBatchCommand') {
          const at = Date.now();
          const input = args.input as SendMessageBatchCommandInput;
          const ok = new Set(((result.output as { Successful?: Array<{ Id?: string }> }).Successful ?? []).map((entry) => entry.Id));
          for (const entry of input.Entries ?? []) {
            if (!ok.has(entry.Id)) continue;
            const body = JSON.parse(entry.MessageBody!) as { postId: string; scheduledAt: string };
            accepted.set(body.postId, { at, dueAt: Date.parse(body.scheduledAt), delaySeconds: entry.DelaySeconds ?? 0 });
          }
        }
        return result;
      },
      { step: 'initialize', name: 'benchAcceptedAt' },
    );

    const env = {
      DATABASE_URL: url,
      PUBLISH_QUEUE_URL: queues.queueUrl,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: sqsServer.url,
      LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const config = loadConfig(env);
    const ctx = createContext(config, loadSecrets(env), { sqs, logger: createLogger('dispatcher', 'ERROR') });
    const seedDb = createDatabase({ url, schema: 'public' }, { max: 4, applicationName: 'bench-burst-seed' });
    // The API's own connections, as its Lambda has them.
    const apiDb = createDatabase({ url, schema: 'public' }, { max: 2, applicationName: 'bench-burst-api' });
    const sql = (text: string, params: unknown[] = []) => seedDb.$client.query(text, params);

    // T0 on a minute of the wall clock, leaving time to seed and a tick a minute before it.
    const minute = 60_000;
    const t0 = Math.ceil((Date.now() + 100_000) / minute) * minute;
    await sql(
      `INSERT INTO accounts (did, handle, pds_url) SELECT 'did:plc:burst' || g, 'burst' || g || '.test', 'http://127.0.0.1:1' FROM generate_series(1, $1) AS g`,
      [ACCOUNTS],
    );
    // Due uniformly over the minute, to the millisecond; one account has ten.
    await sql(
      `INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at)
       SELECT 'did:plc:burst' || (g % $2 + 1), 'scheduled', at, at
       FROM (SELECT g, to_timestamp(($1::bigint + (g::bigint * $3::bigint) / $4::bigint) / 1000.0) AS at FROM generate_series(0, $4 - 1) AS g) AS s`,
      [t0, ACCOUNTS, BURST_MS, POSTS - SHORT_NOTICE],
    );
    await sql('ANALYZE posts');

    const postgresCpu = () => treeCpuMs(({ cmdline }) => cmdline.includes(dir) && /(^|\/)postgres\0/.test(cmdline));
    const sqsCpu = () => treeCpuMs(({ pid }) => pid === sqsServer.process.pid);
    const cpuBefore = { runtime: process.cpuUsage(), postgres: postgresCpu(), sqs: sqsCpu() };
    const loadBefore = loadavg()[0]!;

    // The API's short-notice path, as POST /posts takes it (services/api/src/posts/dispatch-soon.ts):
    // written between T0 − 60 s and T0 − 10 s, each due 30–90 s after it was written.
    let shortNoticeFailures = 0;
    const shortNotice = (async () => {
      const start = t0 - 60_000;
      for (let index = 0; index < SHORT_NOTICE; index++) {
        const writtenAt = start + (index * 50_000) / SHORT_NOTICE;
        await sleepUntil(writtenAt);
        const dueAt = new Date(Math.max(t0, writtenAt + 30_000) + ((index * 7_919) % 30_000));
        const inserted = await sql(
          `INSERT INTO posts (owner_did, status, scheduled_at, next_attempt_at) VALUES ($1, 'scheduled', $2, $2) RETURNING id`,
          [`did:plc:burst${(index % ACCOUNTS) + 1}`, dueAt],
        );
        const now = new Date();
        // As the API does: a failure leaves the post scheduled, for the next tick.
        await claimDuePosts(
          apiDb,
          { until: new Date(now.getTime() + LOOK_AHEAD_MS), now, limit: 1, ids: [(inserted.rows[0] as { id: string }).id] },
          (claimed) => sendPublishMessages(sqs, queues.queueUrl, claimed, { now: () => new Date(), delay: true }),
        ).catch(() => (shortNoticeFailures += 1));
      }
    })();

    const ticks: Array<TickResult & { startedAt: string; wallMs: number }> = [];
    for (const at of [t0 - minute, t0, t0 + minute]) {
      await sleepUntil(at);
      const started = performance.now();
      const result = await tick(ctx);
      ticks.push({
        ...result,
        startedAt: `T0${at - t0 >= 0 ? '+' : '−'}${Math.abs(at - t0) / 1000}s`,
        wallMs: Math.round(performance.now() - started),
      });
    }
    await shortNotice;

    const runtimeCpu = process.cpuUsage(cpuBefore.runtime);
    const cpu = {
      runtimeMs: Math.round((runtimeCpu.user + runtimeCpu.system) / 1000),
      postgresMs: Math.round(postgresCpu() - cpuBefore.postgres),
      sqsStandInMs: Math.round(sqsCpu() - cpuBefore.sqs),
    };

    const statuses = await sql(`SELECT status, count(*)::int AS n FROM posts GROUP BY status ORDER BY status`);
    const entries = [...accepted.values()];
    const lateness = entries.map((entry) => entry.at - entry.dueAt);
    const latestMs = Math.max(...lateness);
    const lateCount = lateness.filter((ms) => ms >= 0).length;
    // The right delay: visible (accepted + its delay) before its second, and not more than a few seconds early.
    const wrongDelay = entries.filter((entry) => {
      const visibleAt = entry.at + entry.delaySeconds * 1000;
      return (
        visibleAt > entry.dueAt ||
        (entry.dueAt > entry.at + EARLY_DELIVERY_MS + 2_000 && visibleAt < entry.dueAt - EARLY_DELIVERY_MS - 2_000)
      );
    }).length;
    const sendSpan = (Math.max(...entries.map((entry) => entry.at)) - Math.min(...entries.map((entry) => entry.at))) / 1000;

    console.table(
      ticks.map(({ startedAt, wallMs, queued, claimMs, unsent, missed }) => ({ tick: startedAt, wallMs, claimMs, queued, unsent, missed })),
    );
    console.log(
      [
        `posts on the queue: ${accepted.size} of ${POSTS} (${SHORT_NOTICE} written in the minute before, for the API's short-notice path; ${shortNoticeFailures} of those left to the tick); by status: ${statuses.rows.map((row: { status: string; n: number }) => `${row.status} ${row.n}`).join(', ')}`,
        `messages per second while sending: ${Math.round(accepted.size / sendSpan)} (${sendSpan.toFixed(1)} s from the first to the last)`,
        `latest enqueue relative to its due time: ${latestMs >= 0 ? '+' : ''}${(latestMs / 1000).toFixed(2)} s; enqueued at or after their due time: ${lateCount}; visible after their second or more than ${EARLY_DELIVERY_MS / 1000 + 2} s before it: ${wrongDelay}`,
        `CPU over the run: runtime (dispatcher + API path, this process) ${cpu.runtimeMs} ms (${((cpu.runtimeMs / accepted.size) * 1000).toFixed(0)} µs a message), PostgreSQL ${cpu.postgresMs} ms, SQS stand-in ${cpu.sqsStandInMs} ms`,
        // CPU does not depend on the load others put on the machine; wall-clock time does.
        `so a dispatcher with a core of its own sends ~${Math.round(accepted.size / (cpu.runtimeMs / 1000))} messages/s (PostgreSQL and the stand-in ~${Math.round(accepted.size / ((cpu.postgresMs + cpu.sqsStandInMs) / 1000))}/s on another): ${Math.round((POSTS * cpu.runtimeMs) / accepted.size / 1000)} s of CPU for the ${POSTS}`,
        `look-ahead ${LOOK_AHEAD_MS / 1000} s, early delivery ${EARLY_DELIVERY_MS / 1000} s; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
      ].join('\n'),
    );
    const met = accepted.size === POSTS && lateCount === 0 && wrongDelay === 0;
    console.log(`\ntarget: all ${POSTS} on the queue with their delay before their due second → ${met ? 'met' : 'NOT met'}`);
    await seedDb.$client.end();
    await apiDb.$client.end();
    await ctx.db.$client.end();
  } finally {
    await sqsServer.stop();
    await postgres.stop();
  }
}
