import { existsSync } from 'node:fs';

/**
 * The system Chromium the browser tests drive: `CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium` (`apt-get install chromium`), else undefined, and the tests that need it are
 * skipped. Playwright's own browser downloads are never used.
 */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH?.trim();
  if (fromEnv) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

/** Quiet and self-contained: no sandbox (tests may run as root), no GPU, no calls home, no QUIC. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Containers often give /dev/shm 64 MB, too little for Chromium's shared memory.
  '--disable-dev-shm-usage',
] as const;
