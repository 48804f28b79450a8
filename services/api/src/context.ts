import { createDatabase, type Database } from '@chronopost/db';
import { createLogger, type Logger } from '@chronopost/lambda-kit';
import type { ApiConfig } from '@chronopost/shared-schemas';

export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  db: Database;
}

/** Built once per container and reused; tests pass overrides instead of mocking modules. */
export const createContext = (config: ApiConfig, overrides: Partial<ApiContext> = {}): ApiContext => ({
  config,
  logger: overrides.logger ?? createLogger('api', config.logLevel),
  db: overrides.db ?? createDatabase(config.database, { applicationName: 'chronopost-api' }),
});
