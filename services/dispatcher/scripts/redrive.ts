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
import { ConfigError, type RedriveConfig } from '@chronopost/shared-schemas';
import { createContext, loadConfig, loadSecrets } from '../src/app';
import { loadRedriveConfig } from '../src/config';
import { redrive } from '../src/redrive';

const postIds = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
if (process.argv.includes('--help')) {
  process.stdout.write(
    'Usage: pnpm dlq:redrive [post-id …]\nRequeues crashed posts (all, or those named) and empties the dead-letter queue.\n',
  );
  process.exit(0);
}

/** The dispatcher's variables from the local runtime's file; undefined when they are in this environment. */
async function runtimeEnvironment(config: RedriveConfig): Promise<Record<string, string> | undefined> {
  if (config.fromEnvironment) return undefined;
  const file = join(resolve(config.home), 'services.env.json');
  try {
    return { ...(JSON.parse(await readFile(file, 'utf8')) as Record<string, string>), LOG_LEVEL: config.logLevel };
  } catch {
    throw new ConfigError(
      `DATABASE_URL is not set and no local runtime is running (${file} not found). Start \`pnpm dev\`, or set the dispatcher's variables.`,
      [],
    );
  }
}

try {
  const config = loadRedriveConfig();
  const env = await runtimeEnvironment(config);
  // The SDK's default chain reads credentials from the environment: the local runtime's (the
  // stand-ins take any) when none are set. Written, not read: the loaders above did the reading.
  process.env.AWS_ACCESS_KEY_ID = config.credentials.accessKeyId ?? env?.AWS_ACCESS_KEY_ID ?? 'local';
  process.env.AWS_SECRET_ACCESS_KEY = config.credentials.secretAccessKey ?? env?.AWS_SECRET_ACCESS_KEY ?? 'local';
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
