import { readFile } from 'node:fs/promises';
import { processImage } from '../services/media/src/image';

/** One image, processed `runs` times in this process; prints one JSON line (see bench/media.ts). */
const [path, type, runs] = process.argv.slice(2) as [string, string, string];
const input = await readFile(path);
const times: number[] = [];
const cpu: number[] = [];
let out = '';
for (let index = 0; index < Number(runs); index++) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await processImage(input, type);
  times.push(performance.now() - started);
  const used = process.cpuUsage(cpuBefore);
  cpu.push((used.user + used.system) / 1000);
  if (!result.ok) throw new Error(`not processed: ${result.reason.code} (${result.detail})`);
  out = `${result.image.mime} ${result.image.width}×${result.image.height} ${result.image.bytes.length} B`;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  JSON.stringify({
    coldMs: Math.round(times[0]!),
    warmMs: Math.round(median(times.length > 1 ? times.slice(1) : times)),
    // CPU time (all threads): what one vCPU would spend, whatever else this machine is doing.
    coldCpuMs: Math.round(cpu[0]!),
    warmCpuMs: Math.round(median(cpu.length > 1 ? cpu.slice(1) : cpu)),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    out,
  }),
);
