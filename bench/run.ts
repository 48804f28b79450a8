/**
 * `pnpm bench <name>`: the performance measurements, each printing its numbers. Targets live
 * here, not in unit tests: a slow machine makes a benchmark slower, not a test red.
 */
const benches: Record<string, () => Promise<unknown>> = {
  api: async () => (await import('./api')).run(),
  lateness: async () => (await import('./lateness')).run(),
  dispatch: async () => (await import('./dispatch')).run(),
  media: async () => (await import('./media')).run(),
  'cold-start': async () => (await import('./cold-start')).run(),
  burst: async () => (await import('./burst')).run(),
  recovery: async () => (await import('./recovery')).run(),
  publish: async () => (await import('./publish')).run(),
  'same-second': async () => (await import('./same-second')).run(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: pnpm bench <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await bench();
