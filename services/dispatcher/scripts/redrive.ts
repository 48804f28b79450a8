/**
 * `pnpm dlq:redrive [post-id …]`: after fixing what made the publisher crash, puts the crashed
 * posts (all, or the ones named) back in the publish queue, and empties the dead-letter queue.
 *
 * It reads the dispatcher's variables (DATABASE_URL, PUBLISH_QUEUE_URL, PUBLISH_DLQ_URL, …). When
 * DATABASE_URL is not set, it takes them from the running local runtime (`pnpm dev` writes them
 * to $CHRONOPOST_HOME/services.env.json).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '@chronopost/shared-schemas';
import { createContext, loadConfig, loadSecrets } from '../src/app';
import { redrive } from '../src/redrive';

const postIds = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
if (process.argv.includes('--help')) {
  process.stdout.write(
    'Usage: pnpm dlq:redrive [post-id …]\nRequeues crashed posts (all, or those named) and empties the dead-letter queue.\n',
  );
  process.exit(0);
}

async function environment(): Promise<Record<string, string | undefined>> {
  if (process.env.DATABASE_URL) return process.env;
  const file = join(resolve(process.env.CHRONOPOST_HOME ?? '.chronopost'), 'services.env.json');
  try {
    return { ...(JSON.parse(await readFile(file, 'utf8')) as Record<string, string>), LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO' };
  } catch {
    throw new ConfigError(
      `DATABASE_URL is not set and no local runtime is running (${file} not found). Start \`pnpm dev\`, or set the dispatcher's variables.`,
      [],
    );
  }
}

try {
  const env = await environment();
  process.env.AWS_ACCESS_KEY_ID ??= env.AWS_ACCESS_KEY_ID ?? 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= env.AWS_SECRET_ACCESS_KEY ?? 'local';
  const ctx = createContext(loadConfig(env), loadSecrets(env));
  const result = await redrive(ctx, postIds.length ? { postIds } : {});
  process.stdout.write(
    `dead letters handled: ${result.deadLetters}\nposts queued again: ${result.requeued.length}\n${result.requeued.map((id) => `  ${id}\n`).join('')}`,
  );
  await ctx.db.$client.end();
} catch (error) {
  process.stderr.write(`dlq:redrive: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
}
