import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { generateAccessTokenKey } from '@chronopost/app-auth';
import { buildServices, type BuiltService } from '../scripts/build';

const exec = promisify(execFile);
const RUNS = 10;

/** Targets of issue 16: import + context build (median of 10 fresh processes) and gzipped bytes loaded at cold start. */
const TARGETS: Record<string, { ms: number; kb?: number }> = {
  api: { ms: 150, kb: 250 },
  dispatcher: { ms: 150, kb: 250 },
  oauth: { ms: 250, kb: 500 },
  publisher: { ms: 250, kb: 500 },
  'token-refresher': { ms: 250, kb: 500 },
  // Without the packaged image library: sharp loads on the first image, timed on its own row.
  media: { ms: 150 },
};

/**
 * One Lambda cold start as a fresh Node process sees it: the clock starts before `import()` of
 * the bundle and stops when its module has evaluated, i.e. configuration parsed, clients and
 * context built (`handler.ts` does that at module scope). No request is made: every endpoint
 * points at a closed port. CPU time (user + sys of the process over the same span) is printed
 * beside wall-clock time because on a machine shared with others only CPU time is steady.
 *
 * Before the clock starts, the process loads `node:http` as Lambda's Node.js runtime has by then:
 * its Runtime API client imports it and makes an Agent before it loads the handler (see
 * aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts). In Node 24 that import
 * also evaluates the bundled undici (~40 ms here), a cost no bundle of ours can avoid in AWS; the
 * `bareNodeMs` column is the same import in a bare Node process, without it.
 */
const PROBE = `
  if (process.argv[3] === 'lambda') await import('node:http');
  const cpu = process.cpuUsage();
  const started = performance.now();
  await import(process.argv[1]);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  let sharpMs = null;
  if (process.argv[2] === 'sharp' && process.argv[3] === 'lambda') {
    const t = performance.now();
    const { createRequire } = await import('node:module');
    await import(createRequire(process.argv[1]).resolve('sharp'));
    sharpMs = performance.now() - t;
  }
  process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, sharpMs }) + '\\n', () => process.exit(0));
`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (value: number) => Math.round(value * 10) / 10;

/** The package (or workspace folder) an esbuild input path belongs to. */
const packageOf = (input: string) =>
  (/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(input) ??
    /^((?:packages|services)\/[^/]+|shared-schemas)/.exec(input))?.[1] ?? input;

/** Gzipped bytes of what a cold start loads: the entry file and the chunks it imports statically. */
async function coldBytes(service: BuiltService): Promise<{ coldKb: number; allKb: number; heaviest: string }> {
  const meta = service.metafile;
  const outputs = meta.outputs;
  const root = join(import.meta.dirname, '..');
  const gz = async (path: string) => gzipSync(await readFile(join(root, path))).length;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  // Not just any output with an entryPoint: esbuild gives one to every chunk of a dynamic import too.
  const entry = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'))!;
  visit(entry);
  const js = Object.keys(outputs).filter((path) => path.endsWith('.mjs'));
  const sum = async (paths: string[]) => (await Promise.all(paths.map(gz))).reduce((a, b) => a + b, 0) / 1024;
  // Where the loaded bytes come from (minified, before gzip), from esbuild's metafile.
  const byPackage = new Map<string, number>();
  for (const path of loaded) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[path]!.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  const heaviest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}K`)
    .join(', ');
  return { coldKb: await sum([...loaded]), allKb: await sum(js), heaviest };
}

/**
 * `pnpm bench cold-start`: builds every bundle as `pnpm build` does, then for each one starts
 * ten fresh Node processes that import it with a complete configuration and no network, and
 * prints the median and worst time to a ready handler, CPU time, and the gzipped bytes loaded at
 * cold start (entry plus static chunks; lazy chunks counted in the total).
 */
export async function run() {
  const outDir = await mkdtemp(join(tmpdir(), 'chronopost-bench-cold-'));
  try {
    const built = await buildServices({ outDir, archs: [process.arch === 'arm64' ? 'arm64' : 'x64'] });
    const closed = 'http://127.0.0.1:9';
    const env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: closed,
      AWS_ENDPOINT_URL_S3: closed,
      AWS_ENDPOINT_URL_DYNAMODB: closed,
      DATABASE_URL: 'postgres://bench:bench@127.0.0.1:9/bench',
      PUBLISH_QUEUE_URL: `${closed}/000000000000/publish`,
      MEDIA_BUCKET: 'bench-media',
      PUBLIC_URL: 'http://127.0.0.1:3000',
      OAUTH_STATE_TABLE: 'bench-state',
      LOCK_TABLE: 'bench-locks',
      // The AWS shape: session keys from KMS (its client is built; no call is made at cold start).
      KMS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/bench',
      AWS_ENDPOINT_URL_KMS: closed,
      APP_JWT_PRIVATE_KEYS: JSON.stringify([await generateAccessTokenKey('bench')]),
    };
    const rows: Array<Record<string, string | number | boolean>> = [];
    const composition: string[] = [];
    let allMet = true;
    const loadBefore = loadavg()[0]!;
    for (const service of built) {
      type Sample = { ms: number; cpuMs: number; sharpMs: number | null };
      const samples: Sample[] = [];
      const bare: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternated, so a burst of load from elsewhere weighs on both alike.
        for (const mode of ['lambda', 'bare'] as const) {
          const args = ['--input-type=module', '-e', PROBE, service.bundle, service.name === 'media' ? 'sharp' : '', mode];
          const { stdout } = await exec(process.execPath, args, { cwd: tmpdir(), env, timeout: 30_000 });
          (mode === 'lambda' ? samples : bare).push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Sample);
        }
      }
      const { coldKb, allKb, heaviest } = await coldBytes(service);
      composition.push(`${service.name}: ${heaviest}`);
      const ms = samples.map((sample) => sample.ms);
      const target = TARGETS[service.name];
      const met = target ? median(ms) <= target.ms && (target.kb === undefined || coldKb <= target.kb) : undefined;
      if (met === false) allMet = false;
      const sharp = samples.flatMap((sample) => (sample.sharpMs === null ? [] : [sample.sharpMs]));
      rows.push({
        bundle: service.name,
        medianMs: round(median(ms)),
        worstMs: round(Math.max(...ms)),
        medianCpuMs: round(median(samples.map((sample) => sample.cpuMs))),
        bareNodeMs: round(median(bare.map((sample) => sample.ms))),
        bareNodeCpuMs: round(median(bare.map((sample) => sample.cpuMs))),
        coldGzipKb: round(coldKb),
        allGzipKb: round(allKb),
        target: target ? `≤ ${target.ms} ms${target.kb ? `, ≤ ${target.kb} KB` : ''}` : '-',
        met: met === undefined ? '-' : met,
        ...(sharp.length ? { thenSharpMs: round(median(sharp)) } : {}),
      });
    }
    console.table(rows);
    console.log(`what a cold start loads, largest first (minified bytes):\n  ${composition.join('\n  ')}`);
    console.log('medianMs, worstMs, medianCpuMs: node:http loaded before the clock, as in Lambda; bareNode…: without it.');
    console.log(
      `${RUNS} fresh processes per bundle and mode (Node ${process.versions.node}); load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after.`,
    );
    console.log(`targets (median time, cold bytes) → ${allMet ? 'met' : 'NOT met'}`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
