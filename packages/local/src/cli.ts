/**
 * `pnpm dev` / `pnpm start`: Chronopost in one process on its embedded defaults.
 * `pnpm dev --demo` also starts a local PDS with a demo account, so the whole flow works offline.
 */
import { ConfigError } from '@chronopost/shared-schemas';
import { createLogger } from '@chronopost/lambda-kit';
import { loadLocalConfig } from './config';
import { StartupError } from './ports';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  process.stdout.write(`Usage: pnpm dev [--demo]

Starts PostgreSQL (embedded unless DATABASE_URL is set), the local AWS stand-ins and every
Chronopost service in one process. --demo also starts a local Bluesky PDS with a demo account.
Every setting is an environment variable; the README lists them with their defaults.
`);
  process.exit(0);
}
const unknown = [...args].filter((arg) => arg !== '--demo');
if (unknown.length > 0) {
  process.stderr.write(`Unknown option ${unknown.join(' ')}. Try --help.\n`);
  process.exit(2);
}

/** Problems the user can fix get one clear line and exit code 1; anything else is a bug with a stack. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`chronopost: ${error.message}\n`);
  } else {
    process.stderr.write(`chronopost: start-up failed: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
}

let config: ReturnType<typeof loadLocalConfig>;
try {
  config = loadLocalConfig(process.env);
} catch (error) {
  fail(error);
}
const logger = createLogger('local', config.logLevel);

// Imported only now: a configuration mistake is reported before the services load.
const { startRuntime } = await import('./runtime');
let runtime: Awaited<ReturnType<typeof startRuntime>>;
try {
  runtime = await startRuntime(config, {
    demo: args.has('--demo'),
    logger,
    // The one address a newcomer needs, before the start-up log.
    onWebUrl: (url) => process.stdout.write(`\nChronopost: ${url}  (starting…)\n\n`),
  });
} catch (error) {
  fail(error);
}

// Printed, not logged: the logger redacts passwords, and the demo's throwaway one is meant to be read.
process.stdout.write(
  runtime.demo
    ? `\nChronopost is ready: open ${runtime.webUrl} and sign in as ${runtime.demo.handle}\n  password: ${runtime.demo.password}\n  (the demo PDS at ${runtime.demo.pdsUrl} keeps no data across restarts)\n\n`
    : `\nChronopost is ready: open ${runtime.webUrl}\n\n`,
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) {
    process.stderr.write('chronopost: forced exit\n');
    process.exit(130);
  }
  stopping = true;
  logger.info('stopping', { signal });
  await runtime.stop();
  logger.info('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
