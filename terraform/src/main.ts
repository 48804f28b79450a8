/**
 * `pnpm synth`: writes the Terraform JSON of every stack to terraform/cdktf.out/stacks/<stack>/
 * (offline: nothing here talks to AWS or Cloudflare). Terraform then runs in that folder.
 */
import { loadSynthConfig } from './config';
import { buildApp } from './app';

const started = performance.now();
const config = loadSynthConfig(process.env);
const app = buildApp(config);
app.synth();
const stacks = ['bootstrap', 'prod', ...config.previews.map((pr) => `preview-${pr}`)];
console.log(`synthesized ${stacks.join(', ')} into ${config.outdir}/stacks in ${Math.round(performance.now() - started)} ms`);
