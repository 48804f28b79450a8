import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cameraJpeg, heicPhoto, largePng } from '../services/media/test/fixtures';

const exec = promisify(execFile);

const TARGET_MS = 1_500;
const TARGET_MB = 512;
const RUNS = 5;

/**
 * `pnpm bench media`: the media Lambda's processing (detect, decode, orient, strip, scale to
 * 2000 px, encode under 1,000,000 bytes) of a 12 MP camera JPEG, a 4000 × 3000 PNG and a HEIC
 * photo. Each image is processed in its own Node process (as a Lambda sandbox would be), five
 * times: the first run (cold: libvips and the HEIC decoder load), then the median of the others;
 * peak memory is that process's maximum resident set size. Targets: ≤ 1.5 s and ≤ 512 MB each
 * (a 1,769 MB Lambda has one full vCPU; this machine has two shared cores). CPU time (all threads)
 * is printed too: on a machine shared with others it is the figure that does not depend on them.
 */
export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'chronopost-bench-media-'));
  try {
    const cases = [
      { name: '12 MP JPEG (EXIF, orientation 6)', file: 'camera.jpg', type: 'image/jpeg', make: cameraJpeg },
      { name: '4000 × 3000 PNG', file: 'large.png', type: 'image/png', make: largePng },
      { name: 'HEIC 800 × 600', file: 'photo.heic', type: 'image/heic', make: heicPhoto },
    ];
    const worker = join(import.meta.dirname, 'media-worker.ts');
    const rows: Array<Record<string, string | number | boolean>> = [];
    for (const item of cases) {
      const bytes = await item.make();
      const path = join(dir, item.file);
      await writeFile(path, bytes);
      const { stdout } = await exec(process.execPath, ['--import', 'tsx', worker, path, item.type, String(RUNS)], { maxBuffer: 1 << 20 });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        coldMs: number;
        warmMs: number;
        coldCpuMs: number;
        warmCpuMs: number;
        peakMb: number;
        out: string;
      };
      rows.push({
        image: item.name,
        inputBytes: bytes.length,
        output: result.out,
        coldMs: result.coldMs,
        warmMedianMs: result.warmMs,
        coldCpuMs: result.coldCpuMs,
        warmCpuMs: result.warmCpuMs,
        peakRssMb: result.peakMb,
        withinTargets: result.coldMs <= TARGET_MS && result.peakMb <= TARGET_MB,
      });
    }
    console.table(rows);
    console.log(
      `targets: ≤ ${TARGET_MS} ms (cold, wall clock) and ≤ ${TARGET_MB} MB per image; load average now ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log("wall-clock times stretch with the machine's load; CPU time is what one vCPU spends on the image.");
    if (rows.some((row) => !row.withinTargets)) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
