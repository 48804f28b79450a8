import * as api from '@chronopost/service-api';
import * as dispatcher from '@chronopost/service-dispatcher';
import * as media from '@chronopost/service-media';
import * as oauth from '@chronopost/service-oauth';
import * as publisher from '@chronopost/service-publisher';
import * as tokenRefresher from '@chronopost/service-token-refresher';
import type { Database } from '@chronopost/db';

/** What each service module exports: the same three steps its Lambda `handler.ts` performs at cold start. */
interface ServiceModule<Config, Context extends { db: Database }, Handler> {
  loadConfig(env: Record<string, string | undefined>): Config;
  createContext(config: Config): Context;
  makeHandler(context: Context): Handler;
}

export interface BootedService<Handler> {
  handler: Handler;
  close(): Promise<void>;
}

/** Cold-starts one service from an environment, exactly as its Lambda would. Config errors surface here. */
function boot<C, X extends { db: Database }, H>(module: ServiceModule<C, X, H>, env: Record<string, string | undefined>): BootedService<H> {
  const context = module.createContext(module.loadConfig(env));
  return { handler: module.makeHandler(context), close: () => context.db.$client.end() };
}

export function bootServices(env: Record<string, string | undefined>) {
  return {
    api: boot(api, env),
    oauth: boot(oauth, env),
    dispatcher: boot(dispatcher, env),
    publisher: boot(publisher, env),
    tokenRefresher: boot(tokenRefresher, env),
    media: boot(media, env),
  };
}
export type Services = ReturnType<typeof bootServices>;
