import { createDatabase, type Database } from '@chronopost/db';
import { createLogger, type Logger } from '@chronopost/lambda-kit';
import type { OauthConfig } from '@chronopost/shared-schemas';

export interface OauthContext {
  config: OauthConfig;
  logger: Logger;
  db: Database;
}

export const createContext = (config: OauthConfig, overrides: Partial<OauthContext> = {}): OauthContext => ({
  config,
  logger: overrides.logger ?? createLogger('oauth', config.logLevel),
  db: overrides.db ?? createDatabase(config.database, { applicationName: 'chronopost-oauth' }),
});
