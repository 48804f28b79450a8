import { appendFileSync } from 'node:fs';
import * as api from '@chronopost/service-api';
import * as dispatcher from '@chronopost/service-dispatcher';
import * as media from '@chronopost/service-media';
import * as oauth from '@chronopost/service-oauth';
import * as publisher from '@chronopost/service-publisher';
import * as retention from '@chronopost/service-retention';
import * as tokenRefresher from '@chronopost/service-token-refresher';
import type { Database } from '@chronopost/db';
import { createMetrics, type MetricsWriter, type ServiceMetrics } from '@chronopost/lambda-kit';
import type { ServiceName } from '@chronopost/shared-schemas';

/** What each service module exports: the same three steps its Lambda `handler.ts` performs at cold start. */
interface ServiceModule<Config, Secrets, Context extends { db: Database }, Handler> {
  loadConfig(env: Record<string, string | undefined>): Config;
  loadSecrets(env: Record<string, string | undefined>): Secrets;
  createContext(config: Config, secrets: Secrets, overrides?: Partial<Context>): Context;
  makeHandler(context: Context): Handler;
}

export interface BootedService<Handler> {
  handler: Handler;
  close(): Promise<void>;
}

/** Cold-starts one service from an environment, exactly as its Lambda would. Config errors surface here. */
function boot<C, S, X extends { db: Database }, H>(
  module: ServiceModule<C, S, X, H>,
  env: Record<string, string | undefined>,
  overrides: (config: C) => Partial<X> = () => ({}),
): BootedService<H> {
  const config = module.loadConfig(env);
  const context = module.createContext(config, module.loadSecrets(env), overrides(config));
  return { handler: module.makeHandler(context), close: () => context.db.$client.end() };
}

/** Appends each EMF line to a file (JSON lines): the metrics Lambda would send to CloudWatch, for benches to read. */
export const metricsFileWriter =
  (file: string): MetricsWriter =>
  (line) =>
    appendFileSync(file, `${line}\n`);

export function bootServices(env: Record<string, string | undefined>, options: { writeMetrics?: MetricsWriter } = {}) {
  // The same EMF lines as in AWS; locally they go where the runtime says (a file) instead of stdout.
  const metrics =
    (service: ServiceName) =>
    (config: { metricsNamespace: string }): { metrics?: ServiceMetrics } =>
      options.writeMetrics ? { metrics: createMetrics({ service, namespace: config.metricsNamespace, write: options.writeMetrics }) } : {};
  return {
    api: boot(api, env),
    oauth: boot(oauth, env),
    dispatcher: boot(dispatcher, env, metrics('dispatcher')),
    publisher: boot(publisher, env, metrics('publisher')),
    tokenRefresher: boot(tokenRefresher, env, metrics('token-refresher')),
    retention: boot(retention, env),
    media: boot(media, env),
  };
}
export type Services = ReturnType<typeof bootServices>;
