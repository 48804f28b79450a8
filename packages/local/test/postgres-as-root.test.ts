import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { firstBlockedDirectory, reachableCopy } from '../src/postgres-as-root';

const scratch: string[] = [];
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chronopost-as-root-'));
  scratch.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('which directory shuts the postgres user out', () => {
  // Another user than the owner of everything made here (stat only: no need to be root).
  const stranger = { uid: 54_321, gid: 54_321 };

  it('names the first directory on the way that others cannot enter, and none once it opens', async () => {
    const top = await folder();
    const inner = join(top, 'a', 'b');
    await mkdir(inner, { recursive: true });
    await chmod(top, 0o700);
    expect(await firstBlockedDirectory(inner, stranger)).toBe(top);
    await chmod(top, 0o711);
    expect(await firstBlockedDirectory(inner, stranger)).toBeUndefined();
  });

  it('reads the owner bits for the owner and the group bits for the group', async () => {
    const top = await folder();
    const { uid, gid } = await stat(top);
    await chmod(top, 0o700);
    expect(await firstBlockedDirectory(top, { uid, gid: stranger.gid })).toBeUndefined();
    await chmod(top, 0o010);
    expect(await firstBlockedDirectory(top, { uid: stranger.uid, gid })).toBeUndefined();
    expect(await firstBlockedDirectory(top, stranger)).toBe(top);
    await chmod(top, 0o700);
  });
});

describe('the copy of the PostgreSQL build', () => {
  it('is made once per version by concurrent starts, complete, with modes kept and nothing left aside', async () => {
    const source = await folder();
    await mkdir(join(source, 'bin'));
    await writeFile(join(source, 'bin', 'postgres'), 'server', { mode: 0o755 });
    await mkdir(join(source, 'share'));
    await writeFile(join(source, 'share', 'postgres.bki'), 'catalog', { mode: 0o644 });
    const binaries = { root: source, initdb: join(source, 'bin', 'initdb'), postgres: join(source, 'bin', 'postgres'), id: '17.0-test' };
    const target = await folder();

    const copies = await Promise.all(Array.from({ length: 4 }, () => reachableCopy(binaries, target)));

    expect(new Set(copies.map((copy) => copy.postgres))).toEqual(new Set([join(target, 'postgresql-17.0-test', 'bin', 'postgres')]));
    expect(await readdir(target)).toEqual(['postgresql-17.0-test']);
    expect(await readFile(join(target, 'postgresql-17.0-test', 'share', 'postgres.bki'), 'utf8')).toBe('catalog');
    expect((await stat(join(target, 'postgresql-17.0-test', 'bin', 'postgres'))).mode & 0o777).toBe(0o755);
  });
});
