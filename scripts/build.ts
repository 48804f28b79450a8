/**
 * `pnpm build`: bundles each service into one minified ESM file for Lambda (nodejs24.x) with a
 * source map, and zips it ready to deploy (handler `index.handler`).
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { SERVICE_NAMES, type ServiceName } from '@chronopost/shared-schemas';

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

export interface BuiltService {
  name: ServiceName;
  bundle: string;
  bundleBytes: number;
  zip: string;
  zipBytes: number;
}

/** A fixed timestamp keeps zips byte-identical across builds of the same code. */
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

export async function buildServices(options: { outDir?: string; services?: readonly ServiceName[] } = {}): Promise<BuiltService[]> {
  const outDir = options.outDir ?? join(root, 'dist');
  const built: BuiltService[] = [];
  for (const name of options.services ?? SERVICES) {
    const dir = join(outDir, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const bundle = join(dir, 'index.mjs');
    await build({
      entryPoints: [join(root, 'services', name, 'src', 'handler.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      banner: { js: BANNER },
      // pg's optional native binding: never installed, never loaded.
      external: ['pg-native'],
      logLevel: 'warning',
    });
    const zip = join(outDir, `${name}.zip`);
    const files = {
      'index.mjs': [await readFile(bundle), { mtime: ZIP_MTIME }] as [Uint8Array, { mtime: Date }],
      'index.mjs.map': [await readFile(`${bundle}.map`), { mtime: ZIP_MTIME }] as [Uint8Array, { mtime: Date }],
    };
    await writeFile(zip, zipSync(files, { level: 9 }));
    built.push({ name, bundle, bundleBytes: (await stat(bundle)).size, zip, zipBytes: (await stat(zip)).size });
  }
  return built;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const built = await buildServices();
  for (const service of built) {
    console.log(
      `${service.name.padEnd(16)} ${kib(service.bundleBytes).padStart(11)}  ${relative(root, service.zip)} ${kib(service.zipBytes)}`,
    );
  }
  console.log(`built ${built.length} bundles in ${Math.round(performance.now() - started)} ms`);
}
