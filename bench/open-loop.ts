import { Agent, request } from 'undici';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The same quantiles of the time the local gateway says it spent (its `server-timing` header). */
  server?: { p50: number; p90: number; p99: number; max: number };
  /** How late the generator itself started each request (its own event loop), same quantiles. */
  sendLag: { p50: number; p90: number; p99: number; max: number };
}

/**
 * An open-loop load: one request every 1000/rate ms whatever the answers, as real users arrive,
 * each timed from its scheduled start. (autocannon's rate limit instead fires each connection's
 * quota at the start of every second, a burst, and folds its own correction into the latencies,
 * so its numbers at a fixed rate say little about latency at that rate.)
 */
export async function openLoop(options: {
  url: string;
  rate: number;
  seconds: number;
  /** Run this long first and discard it: opening connections and JIT warm-up are not the steady state. */
  warmupSeconds?: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: () => string;
}): Promise<OpenLoopResult> {
  const dispatcher = new Agent({ connections: 64, pipelining: 1 });
  const interval = 1000 / options.rate;
  const warmup = Math.round(options.rate * (options.warmupSeconds ?? 2));
  const total = warmup + Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const serverTimes: number[] = [];
  const sendLags: number[] = [];
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (index >= warmup) sendLags.push(performance.now() - due);
    inFlight.push(
      (async () => {
        try {
          const response = await request(options.url, {
            dispatcher,
            method: options.method ?? 'GET',
            headers: options.headers,
            ...(options.body ? { body: options.body() } : {}),
          });
          await response.body.arrayBuffer();
          const timing = /dur=([\d.]+)/.exec(String(response.headers['server-timing'] ?? ''));
          if (timing && index >= warmup) serverTimes.push(Number(timing[1]));
          if (index >= warmup) {
            if (response.statusCode < 300) ok += 1;
            else errors += 1;
          }
        } catch {
          if (index >= warmup) errors += 1;
        }
        // From when it should have been sent: a late start counts against the server's latency.
        if (index >= warmup) latencies.push(performance.now() - due);
      })(),
    );
  }
  await Promise.all(inFlight);
  await dispatcher.close();
  const quantiles = (values: number[]) => {
    values.sort((a, b) => a - b);
    const at = (q: number) => Math.round(values[Math.min(values.length - 1, Math.floor(values.length * q))]! * 10) / 10;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
  };
  return {
    rate: options.rate,
    sent: total - warmup,
    ok,
    errors,
    ...quantiles(latencies),
    sendLag: quantiles(sendLags),
    ...(serverTimes.length ? { server: quantiles(serverTimes) } : {}),
  };
}
