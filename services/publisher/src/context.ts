import { createDatabase, type Database } from '@chronopost/db';
import { createLogger, type Logger } from '@chronopost/lambda-kit';
import type { PublisherConfig } from '@chronopost/shared-schemas';

export interface PublisherContext {
  config: PublisherConfig;
  logger: Logger;
  db: Database;
}

export const createContext = (config: PublisherConfig, overrides: Partial<PublisherContext> = {}): PublisherContext => ({
  config,
  logger: overrides.logger ?? createLogger('publisher', config.logLevel),
  // Up to ten records of a batch run at once.
  db: overrides.db ?? createDatabase(config.database, { max: 10, applicationName: 'chronopost-publisher' }),
});
