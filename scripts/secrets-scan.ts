/**
 * Secret scan with secretlint's recommended rules, allow-list by path in `.secretlintignore`.
 *
 *   pnpm secrets:scan                 every tracked file as it is now
 *   pnpm secrets:scan <base>..<head>  every file each commit of the range added or changed, as that
 *                                     commit had it: a key pushed in one commit and deleted in the
 *                                     next is still in the history, so it still fails the change.
 *   --repo <dir>                      scan another repository with its own config (the gate's test)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { repo: { type: 'string' } }, allowPositionals: true });
const root = resolve(values.repo ?? resolve(import.meta.dirname, '..'));
const bin = join(import.meta.dirname, '../node_modules/.bin/secretlint');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const lines = (text: string) => text.split('\n').filter(Boolean);

const CONFIG_FILES = ['.secretlintrc.json', '.secretlintignore'];

/** Runs secretlint in `cwd`, which holds the config files (secretlint misreads an absolute ignore path). */
function secretlint(cwd: string, files: string[]): number {
  if (files.length === 0) return 0;
  const result = spawnSync(
    bin,
    ['--secretlintrc', CONFIG_FILES[0]!, '--secretlintignore', CONFIG_FILES[1]!, '--no-glob', '--no-gitignore', ...files],
    {
      cwd,
      stdio: 'inherit',
    },
  );
  return result.status ?? 1;
}

function scanRange(range: string): number {
  let status = 0;
  for (const commit of lines(git('rev-list', '--reverse', range))) {
    const files = lines(git('diff-tree', '--no-commit-id', '--name-only', '-r', '--diff-filter=AMR', '--root', commit));
    if (files.length === 0) continue;
    // The commit's own versions of its files, at the same relative paths, so the allow-list applies.
    const dir = mkdtempSync(join(tmpdir(), 'secrets-scan-'));
    try {
      // Today's rules and allow-list judge every commit.
      for (const file of CONFIG_FILES) copyFileSync(join(root, file), join(dir, file));
      for (const file of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), execFileSync('git', ['show', `${commit}:${file}`], { cwd: root, maxBuffer: 256 * 1024 * 1024 }));
      }
      const code = secretlint(dir, files);
      if (code !== 0) {
        console.error(`secrets-scan: commit ${commit.slice(0, 12)} adds a secret (see above)`);
        status = code;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return status;
}

const range = positionals[0];
process.exitCode = range ? scanRange(range) : secretlint(root, lines(git('ls-files')));
