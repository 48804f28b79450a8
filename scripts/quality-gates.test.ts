/**
 * The CI gates can fail: each is run on a planted problem (and on its fixed twin, so the test
 * tells the gate apart from a tool that always fails). Plants live in temporary files or stdin,
 * never in the repository.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const run = (command: string, args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

const temporary: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gates-'));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('the lint gate', () => {
  // Type-aware rules need the file inside a TypeScript project: a temporary one with our compiler
  // options, linted with our ESLint configuration.
  const lint = (code: string) => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { types: [] }, include: ['*.ts'] }),
    );
    writeFileSync(join(dir, 'plant.ts'), code);
    return run(bin('eslint'), ['--max-warnings', '0', '--config', join(root, 'eslint.config.js'), 'plant.ts'], { cwd: dir });
  };

  it('fails on a floating promise and passes once it is awaited', () => {
    const planted = lint('const save = async (): Promise<void> => {};\nexport async function run(): Promise<void> {\n  save();\n}\n');
    expect(planted.status).toBe(1);
    expect(planted.output).toContain('@typescript-eslint/no-floating-promises');

    const fixed = lint('const save = async (): Promise<void> => {};\nexport async function run(): Promise<void> {\n  await save();\n}\n');
    expect(fixed.output).toBe('');
    expect(fixed.status).toBe(0);
  }, 60_000);

  it('fails on a promise passed where a callback must return nothing', () => {
    const planted = lint('export function onEvent(listener: () => void): void {\n  listener();\n}\nonEvent(async () => {});\n');
    expect(planted.status).toBe(1);
    expect(planted.output).toContain('@typescript-eslint/no-misused-promises');
  }, 60_000);

  it('fails on a misformatted file and passes once formatted', () => {
    const dir = tempDir();
    copyFileSync(join(root, '.prettierrc.json'), join(dir, '.prettierrc.json'));
    writeFileSync(join(dir, 'plant.ts'), 'export const greeting   =  "hello"\n');
    expect(run(bin('prettier'), ['--check', 'plant.ts'], { cwd: dir }).status).toBe(1);

    writeFileSync(join(dir, 'plant.ts'), "export const greeting = 'hello';\n");
    expect(run(bin('prettier'), ['--check', 'plant.ts'], { cwd: dir }).status).toBe(0);
  });
});

describe('the secret scan', () => {
  // Assembled at run time, so this file holds no secret-shaped string itself.
  const fakeDatabaseUrl = ['postgres://chronopost', 'hunter2@127.0.0.1:1/chronopost'].join(':');
  const privateKey = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd, encoding: 'utf8' });
  const scan = (repo: string, ...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(root, 'scripts/secrets-scan.ts'), '--repo', repo, ...args]);

  /** A repository with this project's secretlint configuration and allow-list. */
  function repository() {
    const dir = tempDir();
    git(dir, 'init', '-q');
    for (const file of ['.secretlintrc.json', '.secretlintignore']) copyFileSync(join(root, file), join(dir, file));
    writeFileSync(join(dir, 'README.md'), 'nothing to see\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    return dir;
  }
  const write = (dir: string, file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };

  it('flags a private key planted outside the allow-list', () => {
    const dir = repository();
    write(dir, 'services/api/src/keys.ts', `export const key = \`${privateKey()}\`;\n`);
    git(dir, 'add', '.');
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(result.output).toContain('PrivateKey');
  }, 60_000);

  it('lets the allow-listed test fixture hold a fake secret, and only that path', () => {
    const dir = repository();
    write(dir, 'packages/local/test/cli.test.ts', `const url = '${fakeDatabaseUrl}';\n`);
    git(dir, 'add', '.');
    expect(scan(dir).status).toBe(0);

    write(dir, 'packages/local/test/other.test.ts', `const url = '${fakeDatabaseUrl}';\n`);
    git(dir, 'add', '.');
    expect(scan(dir).status).toBe(1);
  }, 60_000);

  it('fails a change that added a key even when a later commit deleted it', () => {
    const dir = repository();
    write(dir, 'deploy/key.pem', privateKey());
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'oops');
    git(dir, 'rm', '-q', 'deploy/key.pem');
    git(dir, 'commit', '-qm', 'remove it');

    expect(scan(dir).status).toBe(0); // the tree is clean now…
    const range = scan(dir, 'HEAD~2..HEAD'); // …the change is not
    expect(range.status).toBe(1);
    expect(range.output).toContain('adds a secret');
  }, 60_000);
});

describe('the dependency audit', () => {
  // The npm advisory service cannot run here (and the registry mirror refuses its endpoint), so a
  // local server answers pnpm's audit request in the registry's format; pnpm, our lockfile and the
  // gate's decisions are real.
  let advisories: Record<string, unknown> = {};
  let refuse = false;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (refuse || !request.url?.startsWith('/-/npm/v1/security/audits')) {
        response.writeHead(405).end();
        return;
      }
      const vulnerabilities = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
      for (const advisory of Object.values(advisories) as Array<{ severity: keyof typeof vulnerabilities }>)
        vulnerabilities[advisory.severity]++;
      const metadata = { vulnerabilities, dependencies: 1, devDependencies: 0, optionalDependencies: 0, totalDependencies: 1 };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ actions: [], advisories, muted: [], metadata }));
    });
  });
  const listening = new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
  afterAll(() => new Promise((done) => server.close(done)));

  const highAdvisory = {
    id: 1,
    module_name: 'zod',
    severity: 'high',
    title: 'planted advisory',
    url: 'https://github.com/advisories/GHSA-2222-3333-4444',
    github_advisory_id: 'GHSA-2222-3333-4444',
    cves: ['CVE-2099-0001'],
    findings: [{ version: '4.0.0', paths: ['zod'] }],
  };
  async function audit(exceptions: unknown[]) {
    const file = join(tempDir(), 'exceptions.json');
    writeFileSync(file, JSON.stringify({ exceptions }));
    const env = { ...process.env, npm_config_registry: `http://127.0.0.1:${await listening}/` };
    // Asynchronously: the registry stand-in answers from this process's event loop.
    return new Promise<{ status: number | null; output: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(root, 'scripts/audit.ts'), '--exceptions', file],
        { cwd: root, env },
        (error, stdout, stderr) =>
          done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
  }
  const exception = (expires: string) => ({
    id: 'GHSA-2222-3333-4444',
    package: 'zod',
    reason: 'planted for the test: the vulnerable code path is never called',
    expires,
  });

  it('fails on a high advisory, passes with a live exception, fails again once it expires', async () => {
    refuse = false;
    advisories = { 1: highAdvisory };
    const failed = await audit([]);
    expect(failed.status).toBe(1);
    expect(failed.output).toContain('planted advisory');

    expect((await audit([exception('2999-01-01')])).status).toBe(0);

    const expired = await audit([exception('2000-01-01')]);
    expect(expired.status).toBe(1);
    expect(expired.output).toContain('expired on 2000-01-01');
  }, 60_000);

  it('passes on moderate advisories and says when the registry cannot audit', async () => {
    advisories = { 1: { ...highAdvisory, severity: 'moderate' } };
    expect((await audit([])).status).toBe(0);

    refuse = true;
    const refused = await audit([]);
    expect(refused.status).toBe(2);
    expect(refused.output).toContain('could not run');
  }, 60_000);
});
