import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing, type TerraformStack } from 'cdktf';
import { buildApp } from '../src/app';
import { loadSynthConfig } from '../src/config';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;
export interface Synthesized {
  resource: Resources;
  data?: Resources;
  output?: Record<string, { value: unknown }>;
  terraform: { backend?: Record<string, Record<string, unknown>> };
  variable?: Record<string, unknown>;
}

/** Synthesizes every stack (bootstrap, prod, previews 12 and 15) as `pnpm synth` does, offline. */
export function synthAll() {
  const config = loadSynthConfig({ PREVIEW_PRS: '12,15', ARTIFACTS_DIR: '/artifacts', GITHUB_REPOSITORY: 'octo/chronopost' });
  // Our own output folder (Testing.app would leave a temp folder behind each run); removed at once.
  const outdir = mkdtempSync(join(tmpdir(), 'chronopost-synth-'));
  try {
    const app = buildApp(config, Testing.app({ outdir }));
    const synth = (name: string) => JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack)) as Synthesized;
    return { config, bootstrap: synth('bootstrap'), prod: synth('prod'), preview12: synth('preview-12'), preview15: synth('preview-15') };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The resources of one type, by logical id. */
export const resources = (stack: Synthesized, type: string): Record<string, Record<string, unknown>> => stack.resource[type] ?? {};
export const list = (stack: Synthesized, type: string): (Record<string, unknown> & { id: string })[] =>
  Object.entries(resources(stack, type)).map(([id, value]) => ({ ...value, id }));

/** A Terraform reference to an attribute of a resource, as it appears in the JSON. */
export const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM policy document in a stack: role policies, trust policies, key and bucket policies. */
export function policyDocuments(stack: Synthesized): { where: string; statements: PolicyStatement[] }[] {
  const documents: { where: string; statements: PolicyStatement[] }[] = [];
  const sources: [string, string][] = [
    ['aws_iam_role_policy', 'policy'],
    ['aws_iam_role', 'assume_role_policy'],
    ['aws_kms_key', 'policy'],
    ['aws_s3_bucket_policy', 'policy'],
  ];
  for (const [type, attribute] of sources) {
    for (const [id, value] of Object.entries(resources(stack, type))) {
      const text = value[attribute];
      if (typeof text !== 'string') continue;
      documents.push({ where: `${type}.${id}`, statements: (JSON.parse(text) as { Statement: PolicyStatement[] }).Statement });
    }
  }
  return documents;
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
