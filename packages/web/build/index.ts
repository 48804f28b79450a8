/**
 * Building the web app, for Pages (`pnpm build` → dist/web) and for local runs (`pnpm dev`, the
 * browser tests), which rebuild only when an input changed. Vite runs in a child process: this
 * module is imported by processes that run other Vite versions (vitest) and must not load Vite 8.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export * from './config';
export * from './headers';

export const WEB_PACKAGE = dirname(dirname(fileURLToPath(import.meta.url)));
const REPOSITORY = join(WEB_PACKAGE, '..', '..');
/**
 * Where `pnpm dev` and the tests keep their build: a cache outside every source folder, since test
 * runners crawl those for test files while a build is being swapped in (a directory vanishing
 * under the crawl made vitest find no test files at all). `pnpm build` writes dist/web.
 */
export const LOCAL_WEB_BUILD = join(REPOSITORY, 'node_modules', '.cache', 'chronopost-web');
const STAMP = '.chronopost-build.json';

/** Everything the bundle is made from: a change to any of these calls for a new build. */
const INPUTS = [
  'packages/web/src',
  'packages/web/public',
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  'packages/web/package.json',
  'shared-schemas/src',
  'shared-schemas/package.json',
  'packages/core/src',
  'packages/core/package.json',
  'pnpm-lock.yaml',
];

async function* files(path: string): AsyncGenerator<string> {
  if (!existsSync(path)) return;
  if (!(await stat(path)).isDirectory()) {
    yield path;
    return;
  }
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.endsWith('.test.ts')) continue;
    yield* files(join(path, entry.name));
  }
}

/** A hash of the build's inputs and its API URL. */
export async function webSourceHash(apiUrl = ''): Promise<string> {
  const hash = createHash('sha256').update(`api=${apiUrl}\n`);
  for (const input of INPUTS) {
    for await (const file of files(join(REPOSITORY, input))) {
      hash.update(`${relative(REPOSITORY, file)}\n`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

export interface WebChunk {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface WebBuildReport {
  outDir: string;
  chunks: WebChunk[];
  /** JavaScript loaded before a screen is usable (its chunk and every static import), gzipped. */
  initial: Record<'signIn' | 'composer' | 'composerJapanese', { files: string[]; gzipBytes: number }>;
}

/** Runs `vite build` into `outDir` (through a sibling directory, so a reader never sees half a build). */
export async function buildWeb(options: { outDir: string; apiUrl?: string }): Promise<WebBuildReport> {
  const staging = `${options.outDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(staging), { recursive: true });
  const vite = join(WEB_PACKAGE, 'node_modules', 'vite', 'bin', 'vite.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--outDir', staging, '--logLevel', 'warn'], {
      cwd: WEB_PACKAGE,
      env: { ...process.env, CHRONOPOST_API_URL: options.apiUrl ?? '', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`building the web app failed (vite exited with ${code}):\n${output.join('')}`);
  }
  const previous = `${options.outDir}.previous-${process.pid}`;
  if (existsSync(options.outDir)) await rename(options.outDir, previous);
  await rename(staging, options.outDir);
  await rm(previous, { recursive: true, force: true });
  return report(options.outDir);
}

interface ManifestEntry {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** Sizes of every chunk, and of what each first screen loads, from the build's manifest. */
export async function report(outDir: string): Promise<WebBuildReport> {
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;
  const chunks: WebChunk[] = [];
  for (const entry of Object.values(manifest)) {
    if (!entry.file.endsWith('.js')) continue;
    const content = await readFile(join(outDir, entry.file));
    chunks.push({ file: entry.file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length });
  }
  chunks.sort((a, b) => b.gzipBytes - a.gzipBytes);
  const gzipOf = new Map(chunks.map((chunk) => [chunk.file, chunk.gzipBytes]));
  const closure = (keys: string[]) => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      const entry = manifest[key];
      if (!entry || seen.has(entry.file)) return;
      seen.add(entry.file);
      for (const imported of entry.imports ?? []) visit(imported);
    };
    keys.forEach(visit);
    const list = [...seen];
    return { files: list, gzipBytes: list.reduce((sum, file) => sum + (gzipOf.get(file) ?? 0), 0) };
  };
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
  const composer = Object.keys(manifest).find((key) => key.endsWith('compose/compose-page.tsx'));
  const japanese = Object.keys(manifest).find((key) => key.endsWith('i18n/ja.ts'));
  return {
    outDir,
    chunks,
    initial: {
      signIn: closure([entry]),
      composer: closure([entry, ...(composer ? [composer] : [])]),
      composerJapanese: closure([entry, ...(composer ? [composer] : []), ...(japanese ? [japanese] : [])]),
    },
  };
}

/** Builds into `outDir` unless it already holds a build of the same inputs. */
export async function ensureWebBuild(options: { outDir?: string; apiUrl?: string } = {}): Promise<{ outDir: string; built: boolean }> {
  const outDir = options.outDir ?? LOCAL_WEB_BUILD;
  const hash = await webSourceHash(options.apiUrl);
  const stamp = await readFile(join(outDir, STAMP), 'utf8').catch(() => undefined);
  if (stamp && (JSON.parse(stamp) as { hash?: string }).hash === hash) return { outDir, built: false };
  await buildWeb({ outDir, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}) });
  await writeFile(join(outDir, STAMP), JSON.stringify({ hash }));
  return { outDir, built: true };
}

/** kB as Vite reports them (1,000 bytes). */
export const formatKb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
