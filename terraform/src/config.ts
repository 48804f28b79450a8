import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * What `pnpm synth` needs to know before Terraform runs. Everything that differs per AWS or
 * Cloudflare account (domain, zone, account ids) is a Terraform variable instead (TF_VAR_*), so
 * synthesis works offline with no variable set.
 */
export const synthEnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** owner/name of the repository whose workflows may deploy (GitHub Actions sets it). */
  GITHUB_REPOSITORY: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name')
    .default('chronopost/chronopost'),
  TF_STATE_BUCKET: z
    .string()
    .regex(/^[a-z0-9.-]{3,63}$/, 'must be an S3 bucket name')
    .default('chronopost-terraform-state'),
  TF_LOCK_TABLE: z.string().min(3).default('chronopost-terraform-locks'),
  /** Pull requests to synthesize a preview stack for, comma-separated: `12,15`. */
  PREVIEW_PRS: z
    .string()
    .regex(/^(\d+(,\d+)*)?$/, 'must be pull request numbers separated by commas')
    .default('')
    .transform((text) => (text === '' ? [] : text.split(',').map(Number))),
  /** `local` for the very first apply of the bootstrap stack (the state bucket does not exist yet). */
  BOOTSTRAP_BACKEND: z.enum(['local', 's3']).default('s3'),
  /** Where `pnpm build` put the Lambda zips. */
  ARTIFACTS_DIR: z.string().min(1).optional(),
  /** Where to write the Terraform JSON. */
  CDKTF_OUTDIR: z.string().min(1).optional(),
});

export interface SynthConfig {
  region: string;
  repository: string;
  stateBucket: string;
  lockTable: string;
  previews: number[];
  bootstrapBackend: 'local' | 's3';
  artifactsDir: string;
  outdir: string;
}

const terraformRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function loadSynthConfig(env: Record<string, string | undefined>): SynthConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = synthEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Invalid synth configuration: ${lines.join('; ')}`);
  }
  const value = parsed.data;
  return {
    region: value.AWS_REGION,
    repository: value.GITHUB_REPOSITORY,
    stateBucket: value.TF_STATE_BUCKET,
    lockTable: value.TF_LOCK_TABLE,
    previews: value.PREVIEW_PRS,
    bootstrapBackend: value.BOOTSTRAP_BACKEND,
    artifactsDir: value.ARTIFACTS_DIR ?? join(terraformRoot, '..', 'dist'),
    outdir: value.CDKTF_OUTDIR ?? join(terraformRoot, 'cdktf.out'),
  };
}
