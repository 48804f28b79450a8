import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('embedded PostgreSQL', () => {
  it('leaves the exit code of a process that ends on its own alone (a failed test run stays failed)', () => {
    const script = fileURLToPath(new URL('./fixtures/postgres-exit-code.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(3);
    expect(child.stderr).toBe('');
  });
});
