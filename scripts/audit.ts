/**
 * Dependency audit gate: `pnpm audit` against the registry, failing on high and critical advisories
 * unless `security/audit-exceptions.json` lists them with a reason and an unexpired date.
 * An expired exception fails too, so an accepted risk is looked at again.
 *
 * The registry mirror of the development machines refuses the audit endpoint (405): there the
 * script says so and exits 2; CI runs it against registry.npmjs.org.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';

const root = resolve(import.meta.dirname, '..');

const exceptionsSchema = z.object({
  exceptions: z.array(
    z.strictObject({
      id: z.string().regex(/^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,})$/, 'must be a GHSA or CVE id'),
      package: z.string().min(1),
      reason: z.string().min(20, 'say why, in a sentence'),
      expires: z.iso.date(),
    }),
  ),
});
export type AuditException = z.infer<typeof exceptionsSchema>['exceptions'][number];

const advisorySchema = z.object({
  module_name: z.string(),
  severity: z.enum(['info', 'low', 'moderate', 'high', 'critical']),
  title: z.string().default(''),
  url: z.string().default(''),
  github_advisory_id: z.string().optional(),
  cves: z.array(z.string()).default([]),
});
const reportSchema = z.object({ advisories: z.record(z.string(), advisorySchema).default({}) });
type Advisory = z.infer<typeof advisorySchema>;

export interface AuditVerdict {
  failing: Advisory[];
  accepted: Advisory[];
  expired: AuditException[];
  unused: AuditException[];
}

/** What fails the gate: high/critical advisories not covered by a live exception, and expired exceptions. */
export function judge(advisories: Advisory[], exceptions: AuditException[], today: string): AuditVerdict {
  const live = exceptions.filter((exception) => exception.expires >= today);
  const covers = (exception: AuditException, advisory: Advisory) =>
    exception.package === advisory.module_name && (exception.id === advisory.github_advisory_id || advisory.cves.includes(exception.id));
  const serious = advisories.filter((advisory) => advisory.severity === 'high' || advisory.severity === 'critical');
  return {
    failing: serious.filter((advisory) => !live.some((exception) => covers(exception, advisory))),
    accepted: serious.filter((advisory) => live.some((exception) => covers(exception, advisory))),
    expired: exceptions.filter((exception) => exception.expires < today),
    unused: live.filter((exception) => !serious.some((advisory) => covers(exception, advisory))),
  };
}

function main(): number {
  // `--exceptions <file>`: another exceptions file (the gate's own test uses it).
  const { values } = parseArgs({ options: { exceptions: { type: 'string', default: resolve(root, 'security/audit-exceptions.json') } } });
  const exceptions = exceptionsSchema.parse(JSON.parse(readFileSync(values.exceptions, 'utf8'))).exceptions;
  const run = spawnSync('pnpm', ['audit', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let raw: unknown;
  try {
    raw = JSON.parse(run.stdout);
  } catch {
    console.error(`audit: pnpm audit did not answer JSON (exit ${run.status}):\n${run.stderr || run.stdout}`);
    return 2;
  }
  const error = z.object({ error: z.object({ message: z.string() }) }).safeParse(raw);
  if (error.success) {
    console.error(`audit: could not run: ${error.data.error.message}`);
    return 2;
  }
  const advisories = Object.values(reportSchema.parse(raw).advisories);
  const verdict = judge(advisories, exceptions, new Date().toISOString().slice(0, 10));
  const line = (advisory: Advisory) =>
    `  ${advisory.severity} ${advisory.module_name}: ${advisory.title} (${advisory.github_advisory_id ?? advisory.cves.join(', ')}) ${advisory.url}`;
  for (const advisory of verdict.accepted) console.log(`audit: accepted by an exception:\n${line(advisory)}`);
  for (const exception of verdict.unused) console.log(`audit: exception ${exception.id} (${exception.package}) matches nothing: remove it`);
  for (const exception of verdict.expired)
    console.error(`audit: exception ${exception.id} (${exception.package}) expired on ${exception.expires}`);
  if (verdict.failing.length > 0)
    console.error(`audit: ${verdict.failing.length} high or critical advisories:\n${verdict.failing.map(line).join('\n')}`);
  const failed = verdict.failing.length > 0 || verdict.expired.length > 0;
  console.log(`audit: ${advisories.length} advisories in all, ${failed ? 'FAILED' : 'passed'}`);
  return failed ? 1 : 0;
}

if (import.meta.main) process.exitCode = main();
