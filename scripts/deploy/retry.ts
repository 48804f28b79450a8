/**
 * `node --import tsx scripts/deploy/retry.ts [--attempts 5] [--base-ms 2000] -- <command> [args…]`
 *
 * Runs a command that talks to an outside service (a Lambda alias update, a Pages upload) and
 * retries it with exponential backoff and jitter when it fails: waits base, 2×base, 4×base, …
 * (each ±25 %). Exits with the command's last exit code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  /** Called before each wait; for logs. */
  onRetry?: (attempt: number, code: number, waitMs: number) => void;
}

/** The wait before retry `attempt` (1-based), with ±25 % jitter so parallel jobs spread out. */
export const backoffMs = (attempt: number, baseMs: number, random = Math.random): number =>
  Math.round(baseMs * 2 ** (attempt - 1) * (0.75 + random() * 0.5));

const run = (command: string, args: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

export async function retry(command: string, args: string[], options: RetryOptions): Promise<{ code: number; attempts: number }> {
  let code = 1;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    code = await run(command, args);
    if (code === 0) return { code, attempts: attempt };
    if (attempt < options.attempts) {
      const waitMs = backoffMs(attempt, options.baseMs);
      options.onRetry?.(attempt, code, waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  return { code, attempts: options.attempts };
}

export function parseRetryArgs(argv: string[]): { options: RetryOptions; command: string; args: string[] } {
  const separator = argv.indexOf('--');
  if (separator < 0 || separator === argv.length - 1) throw new Error('usage: retry.ts [--attempts N] [--base-ms MS] -- <command> [args…]');
  const flags = argv.slice(0, separator);
  const value = (name: string, fallback: number) => {
    const index = flags.indexOf(name);
    if (index < 0) return fallback;
    const parsed = Number(flags[index + 1]);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive whole number`);
    return parsed;
  };
  const [command, ...args] = argv.slice(separator + 1);
  return { options: { attempts: value('--attempts', 5), baseMs: value('--base-ms', 2000) }, command: command!, args };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { options, command, args } = parseRetryArgs(process.argv.slice(2));
    const result = await retry(command, args, {
      ...options,
      onRetry: (attempt, code, waitMs) =>
        console.error(`retry: ${command} exited ${code} (attempt ${attempt}/${options.attempts}); again in ${waitMs} ms`),
    });
    if (result.code !== 0) console.error(`retry: ${command} failed ${result.attempts} times; giving up`);
    process.exitCode = result.code;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
