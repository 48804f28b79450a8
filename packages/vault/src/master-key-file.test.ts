import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateMasterKey, MasterKeyFileError } from './master-key-file';

describe('local master key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is created on first use, readable by its owner only', async () => {
    const file = join(dir, 'nested', 'master.key');
    const first = await loadOrCreateMasterKey(file);
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.keyId).toMatch(/^local:[0-9a-f]{16}$/);
    expect(await readFile(file, 'utf8')).not.toContain(first.keyId.slice(6));
  });

  it('is reused after', async () => {
    const file = join(dir, 'master.key');
    const first = await loadOrCreateMasterKey(file);
    const second = await loadOrCreateMasterKey(file);
    expect(second.created).toBe(false);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('gives one key to concurrent first runs', async () => {
    const file = join(dir, 'master.key');
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateMasterKey(file)));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
  });

  it('refuses a file other users can read', async () => {
    const file = join(dir, 'master.key');
    await loadOrCreateMasterKey(file);
    await chmod(file, 0o644);
    await expect(loadOrCreateMasterKey(file)).rejects.toThrow(/chmod 600/);
  });

  it('refuses a file that holds no 32-byte key', async () => {
    const file = join(dir, 'master.key');
    await writeFile(file, 'c2hvcnQ=\n', { mode: 0o600 });
    await expect(loadOrCreateMasterKey(file)).rejects.toBeInstanceOf(MasterKeyFileError);
  });
});
