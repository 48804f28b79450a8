import { S3Client } from '@aws-sdk/client-s3';
import { createSessionServices, REQUEST_TIMEOUT_MS, type SessionServices, withTimeout } from '@chronopost/bluesky';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import type { TokenRefresherConfig } from '@chronopost/shared-schemas';

export interface TokenRefresherContext extends SessionServices {
  config: TokenRefresherConfig;
  logger: Logger;
  db: Database;
  /** Retention deletes the objects of orphaned uploads. */
  s3: S3Client;
  /** Every request to an authorization server goes through this (with a timeout). */
  fetch: typeof globalThis.fetch;
  now: () => Date;
}

export const createContext = (config: TokenRefresherConfig, overrides: Partial<TokenRefresherContext> = {}): TokenRefresherContext => {
  const logger = overrides.logger ?? createLogger('token-refresher', config.logLevel);
  // Refreshes run a few at a time (REFRESH_CONCURRENCY).
  const db = overrides.db ?? createDatabase(config.database, { max: 4, applicationName: 'chronopost-token-refresher' });
  const fetchImpl = overrides.fetch ?? withTimeout(globalThis.fetch, REQUEST_TIMEOUT_MS);
  const now = overrides.now ?? (() => new Date());
  const sessions = createSessionServices(
    config,
    {
      db,
      now,
      fetch: fetchImpl,
      onSessionEnded: (did, outcome) => logger.warn('oauth session ended', { did, state: outcome.state, blockedPosts: outcome.blockedPosts }),
    },
    overrides,
  );
  return {
    config,
    logger,
    db,
    ...sessions,
    fetch: fetchImpl,
    now,
    s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
  };
};
