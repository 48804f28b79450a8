/**
 * One place for every name that differs between production and a pull request's preview. A
 * preview's names all carry its PR number, so two previews (and production) never collide, and
 * the preview deploy role can be limited to `chronopost-pr-*`.
 */
export type Deployment = { kind: 'prod' } | { kind: 'preview'; pr: number };

export interface Names {
  /** `prod` or `pr-12`: the `environment` tag and the metrics namespace suffix. */
  id: string;
  /** Prefix of every resource name: `chronopost` or `chronopost-pr-12`. */
  prefix: string;
  /** The Terraform stack: `prod` or `preview-12`. */
  stack: string;
  /** The state object in the state bucket. */
  stateKey: string;
  /** PostgreSQL schema: `public` or `pr_12`. */
  dbSchema: string;
  /** Host names under the registrable domain (a Terraform variable, so a token here). */
  apiHost(domain: string): string;
  webHost(domain: string): string;
  metricsNamespace: string;
}

/** Production names without a PR number; the preview role's resource patterns rely on `chronopost-pr-`. */
export const PROD_PREFIX = 'chronopost';
export const PREVIEW_PREFIX = 'chronopost-pr-';

export function namesFor(deployment: Deployment): Names {
  if (deployment.kind === 'prod') {
    return {
      id: 'prod',
      prefix: PROD_PREFIX,
      stack: 'prod',
      stateKey: 'prod.tfstate',
      dbSchema: 'public',
      apiHost: (domain) => `api.${domain}`,
      webHost: (domain) => `app.${domain}`,
      metricsNamespace: 'Chronopost/prod',
    };
  }
  const { pr } = deployment;
  if (!Number.isSafeInteger(pr) || pr <= 0) throw new Error(`a preview needs a positive pull request number, got ${pr}`);
  return {
    id: `pr-${pr}`,
    prefix: `${PREVIEW_PREFIX}${pr}`,
    stack: `preview-${pr}`,
    stateKey: `preview/pr-${pr}.tfstate`,
    dbSchema: `pr_${pr}`,
    // One label under the registrable domain (not `pr-12.api.…`): same site as the API, and
    // Cloudflare's universal certificate covers one level of subdomain.
    apiHost: (domain) => `api-pr-${pr}.${domain}`,
    webHost: (domain) => `app-pr-${pr}.${domain}`,
    metricsNamespace: `Chronopost/pr-${pr}`,
  };
}
