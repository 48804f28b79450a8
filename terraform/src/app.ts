import { App } from 'cdktf';
import type { SynthConfig } from './config';
import { BootstrapStack } from './stacks/bootstrap';
import { EnvironmentStack } from './stacks/environment';

/** Every stack: bootstrap, production, and a preview per requested pull request. */
export function buildApp(config: SynthConfig, app = new App({ outdir: config.outdir })): App {
  new BootstrapStack(app, config);
  new EnvironmentStack(app, config, { kind: 'prod' });
  for (const pr of config.previews) new EnvironmentStack(app, config, { kind: 'preview', pr });
  return app;
}
