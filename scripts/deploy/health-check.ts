/**
 * `node --import tsx scripts/deploy/health-check.ts <api-url> [--schema public] [--timeout-seconds 120]`
 *
 * After the aliases moved: polls `GET <api-url>/health` with backoff until the new version answers
 * healthy, or the time is up. Healthy means 200, `status: ok`, the expected schema and no
 * pending migration (the new code knows every migration the database has). Prints the decision
 * and, in GitHub Actions, writes `rollback=true|false` to $GITHUB_OUTPUT. Exits 1 when the
 * deploy must be rolled back.
 */
import { appendFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { healthResponseSchema } from '@chronopost/shared-schemas';

export interface HealthDecision {
  healthy: boolean;
  reason: string;
}

/** The decision for one answer of `/health` (or a failure to get one). */
export function judgeHealth(answer: { status: number; body: unknown } | { error: string }, expectedSchema: string): HealthDecision {
  if ('error' in answer) return { healthy: false, reason: `unreachable: ${answer.error}` };
  const parsed = healthResponseSchema.safeParse(answer.body);
  if (!parsed.success) return { healthy: false, reason: `HTTP ${answer.status} without a health body` };
  const { database, status } = parsed.data;
  if (answer.status !== 200 || status !== 'ok')
    return { healthy: false, reason: `HTTP ${answer.status}, database ${database.error ?? 'unreachable'}` };
  if (database.schema !== expectedSchema)
    return { healthy: false, reason: `serving schema ${database.schema}, expected ${expectedSchema}` };
  if (database.pendingMigrations > 0)
    return { healthy: false, reason: `${database.pendingMigrations} migration(s) not applied to ${database.schema}` };
  return { healthy: true, reason: `ok at migration ${database.migration ?? '(none)'}` };
}

export interface HealthCheckOptions {
  expectedSchema: string;
  timeoutMs: number;
  /** First wait between polls; doubles up to 15 s. */
  initialDelayMs?: number;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
}

export async function checkHealth(apiUrl: string, options: HealthCheckOptions): Promise<HealthDecision & { attempts: number }> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  let attempts = 0;
  for (;;) {
    attempts++;
    let answer: { status: number; body: unknown } | { error: string };
    try {
      const response = await fetchImpl(new URL('/health', apiUrl), { signal: AbortSignal.timeout(10_000) });
      answer = { status: response.status, body: await response.json().catch(() => undefined) };
    } catch (error) {
      answer = { error: (error as Error).message };
    }
    const decision = judgeHealth(answer, options.expectedSchema);
    options.log?.(`health attempt ${attempts}: ${decision.healthy ? 'healthy' : 'unhealthy'} (${decision.reason})`);
    if (decision.healthy || Date.now() + delay > deadline) return { ...decision, attempts };
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15_000);
  }
}

function parseArgs(argv: string[]) {
  const [url, ...rest] = argv;
  if (!url || url.startsWith('--')) throw new Error('usage: health-check.ts <api-url> [--schema public] [--timeout-seconds 120]');
  const flag = (name: string) => {
    const index = rest.indexOf(name);
    return index < 0 ? undefined : rest[index + 1];
  };
  return { url, schema: flag('--schema') ?? 'public', timeoutMs: Number(flag('--timeout-seconds') ?? 120) * 1000 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const decision = await checkHealth(args.url, {
    expectedSchema: args.schema,
    timeoutMs: args.timeoutMs,
    log: (line) => console.log(line),
  });
  const rollback = !decision.healthy;
  console.log(rollback ? `ROLLBACK: ${args.url} is not healthy: ${decision.reason}` : `healthy: ${decision.reason}`);
  if (process.env.GITHUB_OUTPUT) await appendFile(process.env.GITHUB_OUTPUT, `rollback=${rollback}\n`);
  process.exitCode = rollback ? 1 : 0;
}
