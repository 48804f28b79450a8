import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a script belongs: its npm package, a workspace package, or Node itself. */
function owner(url: string): string {
  if (!url) return '(V8/native)';
  if (url.startsWith('node:')) return url;
  const packages = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  if (packages.length) return packages.at(-1)![1]!;
  const workspace = /\/(packages|services|shared-schemas)\/([^/]+)?/.exec(url);
  if (workspace) return workspace[1] === 'shared-schemas' ? 'shared-schemas' : `${workspace[1]}/${workspace[2]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * Self time of a V8 CPU profile (`--cpu-prof`) by function and by package, over a window given as
 * ms before the profile's end (the profile has no wall-clock times; its end is the process's exit,
 * which the caller saw). Each sample's time is the delta to the next one.
 */
export async function summariseCpuProfile(dir: string, window?: { fromEndMs: number; toEndMs: number }) {
  const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index]!;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    const beforeEndMs = (profile.endTime - at) / 1000;
    if (window && (beforeEndMs > window.fromEndMs || beforeEndMs < window.toEndMs)) continue;
    selfUs.set(profile.samples[index]!, (selfUs.get(profile.samples[index]!) ?? 0) + delta);
  }
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += us;
    const name = `${functionName || '(anonymous)'} ${owner(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = functionName === '(garbage collector)' ? '(garbage collector)' : owner(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { file: join(dir, file), totalMs: total / 1000, functions: top(byFunction, 25), packages: top(byPackage, 15) };
}
