import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import { createDynamoDbLock, createOAuthClient, type Lock } from '@chronopost/bluesky';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import type { PublisherConfig } from '@chronopost/shared-schemas';
import { createConfiguredKeyring, createVault, type Vault } from '@chronopost/vault';

/** No request to a PDS (or anything it leads to) may hang a publication: past this it is a network failure. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface PublisherContext {
  config: PublisherConfig;
  logger: Logger;
  db: Database;
  s3: S3Client;
  vault: Vault;
  lock: Lock;
  /** The AT Protocol OAuth client, built on first use (importing keys is asynchronous). */
  oauthClient: () => Promise<NodeOAuthClient>;
  /** Every request to the network of PDSes goes through this (with a timeout). */
  fetch: typeof globalThis.fetch;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/** A fetch that gives up after `timeoutMs` unless the caller brought its own signal. */
export const withTimeout =
  (fetchImpl: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch =>
  (input, init) =>
    fetchImpl(input, init?.signal ? init : { ...init, signal: AbortSignal.timeout(timeoutMs) });

const once = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

export const createContext = (config: PublisherConfig, overrides: Partial<PublisherContext> = {}): PublisherContext => {
  const logger = overrides.logger ?? createLogger('publisher', config.logLevel);
  // Up to ten records of a batch run at once.
  const db = overrides.db ?? createDatabase(config.database, { max: 10, applicationName: 'chronopost-publisher' });
  const vault =
    overrides.vault ?? createVault(createConfiguredKeyring(config.oauthClient.keyring, () => new KMSClient(awsClientOptions(config.aws, 'kms'))));
  const lock = overrides.lock ?? createDynamoDbLock({ dynamodb: new DynamoDBClient(awsClientOptions(config.aws, 'dynamodb')), table: config.oauthClient.lockTable });
  const fetchImpl = overrides.fetch ?? withTimeout(globalThis.fetch, REQUEST_TIMEOUT_MS);
  const now = overrides.now ?? (() => new Date());
  return {
    config,
    logger,
    db,
    vault,
    lock,
    fetch: fetchImpl,
    now,
    sleep: overrides.sleep ?? ((ms) => sleep(ms)),
    s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
    oauthClient:
      overrides.oauthClient ??
      once(() =>
        createOAuthClient(config.oauthClient, {
          db,
          vault,
          lock,
          now,
          fetch: fetchImpl,
          onSessionEnded: (did, outcome) => logger.warn('oauth session ended while publishing', { did, state: outcome.state }),
        }),
      ),
  };
};
