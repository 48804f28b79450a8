import { createDatabase, type Database } from '@chronopost/db';
import { createLogger, type Logger } from '@chronopost/lambda-kit';
import type { TokenRefresherConfig } from '@chronopost/shared-schemas';

export interface TokenRefresherContext {
  config: TokenRefresherConfig;
  logger: Logger;
  db: Database;
  now: () => Date;
}

export const createContext = (
  config: TokenRefresherConfig,
  overrides: Partial<TokenRefresherContext> = {},
): TokenRefresherContext => ({
  config,
  logger: overrides.logger ?? createLogger('token-refresher', config.logLevel),
  db: overrides.db ?? createDatabase(config.database, { max: 2, applicationName: 'chronopost-token-refresher' }),
  now: overrides.now ?? (() => new Date()),
});
