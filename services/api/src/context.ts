import { SQSClient } from '@aws-sdk/client-sqs';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import type { ApiConfig } from '@chronopost/shared-schemas';

export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  db: Database;
  /** For resolving mentions through the author's PDS. */
  fetch: typeof globalThis.fetch;
  /** For dispatching posts due before the dispatcher's next tick. */
  sqs: SQSClient;
  now: () => Date;
}

/** Built once per container and reused; tests pass overrides instead of mocking modules. */
export const createContext = (config: ApiConfig, overrides: Partial<ApiContext> = {}): ApiContext => ({
  config,
  logger: overrides.logger ?? createLogger('api', config.logLevel),
  db: overrides.db ?? createDatabase(config.database, { applicationName: 'chronopost-api' }),
  fetch: overrides.fetch ?? globalThis.fetch,
  sqs: overrides.sqs ?? new SQSClient(awsClientOptions(config.aws, 'sqs')),
  now: overrides.now ?? (() => new Date()),
});
