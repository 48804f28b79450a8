import { readFile } from 'node:fs/promises';
import { processImage } from '../services/media/src/image';

/** One image, processed `runs` times in this process; prints one JSON line (see bench/media.ts). */
const [path, type, runs] = process.argv.slice(2) as [string, string, string];
const input = await readFile(path);
const times: number[] = [];
let out = '';
for (let index = 0; index < Number(runs); index++) {
  const started = performance.now();
  const result = await processImage(input, type);
  times.push(performance.now() - started);
  if (!result.ok) throw new Error(`not processed: ${result.reason} (${result.detail})`);
  out = `${result.image.mime} ${result.image.width}×${result.image.height} ${result.image.bytes.length} B`;
}
const warm = times.slice(1).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    coldMs: Math.round(times[0]!),
    warmMs: Math.round(warm[Math.floor(warm.length / 2)] ?? times[0]!),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    out,
  }),
);
