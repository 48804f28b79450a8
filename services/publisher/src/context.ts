import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { createSessionServices, REQUEST_TIMEOUT_MS, type SessionServices, withTimeout } from '@chronopost/bluesky';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import type { PublisherConfig } from '@chronopost/shared-schemas';

export interface PublisherContext extends SessionServices {
  config: PublisherConfig;
  logger: Logger;
  db: Database;
  s3: S3Client;
  /** Every request to the network of PDSes goes through this (with a timeout). */
  fetch: typeof globalThis.fetch;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export const createContext = (config: PublisherConfig, overrides: Partial<PublisherContext> = {}): PublisherContext => {
  const logger = overrides.logger ?? createLogger('publisher', config.logLevel);
  // Up to ten records of a batch run at once.
  const db = overrides.db ?? createDatabase(config.database, { max: 10, applicationName: 'chronopost-publisher' });
  const fetchImpl = overrides.fetch ?? withTimeout(globalThis.fetch, REQUEST_TIMEOUT_MS);
  const now = overrides.now ?? (() => new Date());
  const sessions = createSessionServices(
    config,
    {
      db,
      now,
      fetch: fetchImpl,
      onSessionEnded: (did, outcome) => logger.warn('oauth session ended while publishing', { did, state: outcome.state, blockedPosts: outcome.blockedPosts }),
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
    sleep: overrides.sleep ?? ((ms) => sleep(ms)),
    s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
  };
};
