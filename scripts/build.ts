/**
 * `pnpm build`: bundles each service into one minified ESM file for Lambda (nodejs24.x) with a
 * source map, and zips it ready to deploy (handler `index.handler`); builds the web app for Pages
 * into dist/web (its API's URL from `CHRONOPOST_API_URL`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { arch as hostArch, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { SERVICE_NAMES, type ServiceName } from '@chronopost/shared-schemas';
import { buildWeb, formatKb, loadWebBuildConfig } from '@chronopost/web/build';

/** One bundle per deployable service (the same list terraform deploys). */
export const SERVICES = SERVICE_NAMES;
export type { ServiceName };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Some bundled dependencies are CommonJS and call require(), __filename or __dirname.
const BANNER = [
  "import { createRequire as __cpCreateRequire } from 'node:module';",
  "import { fileURLToPath as __cpFileURLToPath } from 'node:url';",
  "import { dirname as __cpDirname } from 'node:path';",
  'const require = __cpCreateRequire(import.meta.url);',
  'const __filename = __cpFileURLToPath(import.meta.url);',
  'const __dirname = __cpDirname(__filename);',
].join('\n');

/** Lambda architectures a zip can be built for (the deployed functions run on arm64). */
export const LAMBDA_ARCHS = ['arm64', 'x64'] as const;
export type LambdaArch = (typeof LAMBDA_ARCHS)[number];

/**
 * Dependencies that cannot be bundled: sharp loads a native addon and libvips for the CPU it runs
 * on. They ship beside the bundle as `node_modules/` (resolved from the service, with only the
 * target architecture's binaries), which Node finds from `index.mjs` as usual.
 */
const PACKAGED: Partial<Record<ServiceName, string[]>> = { media: ['sharp'] };

export interface BuiltService {
  name: ServiceName;
  bundle: string;
  /** Bytes of JavaScript: the entry and every chunk. */
  bundleBytes: number;
  /** The zip for the first architecture asked for (arm64 by default), `<name>.zip`. */
  zip: string;
  zipBytes: number;
  /** Every zip built, by architecture (`<name>-<arch>.zip` for the others). */
  zips: Partial<Record<LambdaArch, string>>;
  /** esbuild's account of the bundle: which inputs went where (`pnpm bench cold-start` reads it). */
  metafile: Metafile;
}

const run = promisify(execFile);
const PLATFORM_PACKAGE = /^@img\/sharp-(?:libvips-)?([a-z0-9]+)-([a-z0-9]+)$/;

/** Every file under a package directory (not its nested node_modules), by path relative to it. */
async function packageFiles(dir: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = relative(dir, path);
    if (rel.split('/').includes('node_modules')) continue;
    // Follow symlinks (libvips' versioned .so names): a zip holds files.
    if ((await stat(path)).isFile()) files[rel] = await readFile(path);
  }
  return files;
}

/** Fetches a package for another architecture from the registry (npm pack), unpacked in a temp dir. */
async function packFromRegistry(name: string, version: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chronopost-pack-'));
  const { stdout } = await run('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir });
  await run('tar', ['-xzf', join(dir, stdout.trim().split('\n').at(-1)!), '-C', dir]);
  return join(dir, 'package');
}

/**
 * The files of `names` and of everything they depend on, as installed for the service (pnpm's
 * layout: a package's dependencies are its siblings), keeping only the platform packages of
 * linux-`arch` (glibc); those for another architecture than this machine's come from the registry.
 */
async function packagedModules(service: ServiceName, names: string[], arch: LambdaArch): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const seen = new Set<string>();
  const visit = async (name: string, nodeModules: string, version: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const platform = PLATFORM_PACKAGE.exec(name);
    if (platform && `${platform[1]}-${platform[2]}` !== `linux-${arch}`) return;
    const installed = join(nodeModules, name);
    const dir = existsSync(installed) ? await realpath(installed) : platform ? await packFromRegistry(name, version) : undefined;
    if (!dir) throw new Error(`${name} is not installed for ${service}`);
    for (const [rel, bytes] of Object.entries(await packageFiles(dir))) files[`node_modules/${name}/${rel}`] = bytes;
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const siblings = join(dir, ...(name.startsWith('@') ? ['..', '..'] : ['..']));
    for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      await visit(dependency, siblings, range.replace(/^[\^~]/, ''));
    }
  };
  for (const name of names) await visit(name, join(root, 'services', service, 'node_modules'), '');
  return files;
}

/** A fixed timestamp keeps zips byte-identical across builds of the same code. */
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

export async function buildServices(
  options: { outDir?: string; services?: readonly ServiceName[]; archs?: readonly LambdaArch[] } = {},
): Promise<BuiltService[]> {
  const outDir = options.outDir ?? join(root, 'dist');
  const archs = options.archs ?? LAMBDA_ARCHS;
  const thisArch: LambdaArch = hostArch() === 'arm64' ? 'arm64' : 'x64';
  const built: BuiltService[] = [];
  for (const name of options.services ?? SERVICES) {
    const dir = join(outDir, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const bundle = join(dir, 'index.mjs');
    const result = await build({
      entryPoints: { index: join(root, 'services', name, 'src', 'handler.ts') },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      // Code behind a dynamic import() (rarely used paths) goes to chunks a cold start does not load.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      // ES module builds first (as AWS advises for the SDK): they tree-shake, and a dynamic import()
      // of a CommonJS build would hand back only its `default`.
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      metafile: true,
      absWorkingDir: root,
      banner: { js: BANNER },
      // pg's optional native binding: never installed, never loaded. Packaged dependencies ship beside.
      external: ['pg-native', ...(PACKAGED[name] ?? [])],
      logLevel: 'warning',
    });
    const mtime = { mtime: ZIP_MTIME };
    const bundleFiles: Record<string, [Uint8Array, { mtime: Date }]> = {};
    for (const output of Object.keys(result.metafile.outputs).filter((path) => path.endsWith('.mjs'))) {
      const path = join(root, output);
      bundleFiles[relative(dir, path)] = [await readFile(path), mtime];
      bundleFiles[`${relative(dir, path)}.map`] = [await readFile(`${path}.map`), mtime];
    }
    const zips: BuiltService['zips'] = {};
    // Bundles are architecture-independent; only packaged dependencies need a zip per architecture.
    for (const [index, arch] of (PACKAGED[name] ? archs : archs.slice(0, 1)).entries()) {
      const modules = PACKAGED[name] ? await packagedModules(name, PACKAGED[name], arch) : {};
      // This machine's modules also go beside the bundle on disk, so the bundle runs here (smoke test).
      if (arch === thisArch) {
        for (const [path, bytes] of Object.entries(modules)) {
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), bytes);
        }
      }
      const files = { ...bundleFiles };
      for (const [path, bytes] of Object.entries(modules)) files[path] = [bytes, mtime];
      const zip = join(outDir, index === 0 ? `${name}.zip` : `${name}-${arch}.zip`);
      await writeFile(zip, zipSync(files, { level: 9 }));
      zips[arch] = zip;
    }
    const zip = zips[archs[0]!]!;
    // The entry and its chunks: all the JavaScript the zip carries.
    const bundleBytes = Object.entries(result.metafile.outputs)
      .filter(([path]) => path.endsWith('.mjs'))
      .reduce((sum, [, output]) => sum + output.bytes, 0);
    built.push({
      name,
      bundle,
      bundleBytes,
      zip,
      zipBytes: (await stat(zip)).size,
      zips,
      metafile: result.metafile,
    });
  }
  return built;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const built = await buildServices();
  for (const service of built) {
    const zips = await Promise.all(Object.values(service.zips).map(async (zip) => `${relative(root, zip)} ${kib((await stat(zip)).size)}`));
    console.log(`${service.name.padEnd(16)} ${kib(service.bundleBytes).padStart(11)}  ${zips.join('  ')}`);
  }
  console.log(`built ${built.length} bundles in ${Math.round(performance.now() - started)} ms`);

  const webStarted = performance.now();
  const { apiUrl } = loadWebBuildConfig();
  if (!apiUrl) console.warn('CHRONOPOST_API_URL is not set: the web app will call the API on its own origin.');
  const web = await buildWeb({ outDir: join(root, 'dist', 'web'), ...(apiUrl ? { apiUrl } : {}) });
  console.log(
    `\nweb app → ${relative(root, web.outDir)} in ${Math.round(performance.now() - webStarted)} ms; JavaScript chunks (gzipped):`,
  );
  for (const chunk of web.chunks) console.log(`  ${chunk.file.padEnd(44)} ${formatKb(chunk.gzipBytes).padStart(9)}`);
  const initial = web.initial;
  console.log(
    `initial JavaScript (gzipped): sign-in ${formatKb(initial.signIn.gzipBytes)}, composer ${formatKb(initial.composer.gzipBytes)}, composer in Japanese ${formatKb(initial.composerJapanese.gzipBytes)}`,
  );
}
