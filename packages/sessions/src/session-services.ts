import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger, once } from '@chronopost/lambda-kit';
import {
  type AwsConfig,
  databaseConnection,
  type DatabaseSecrets,
  type OauthClientConfig,
  type OauthClientSecrets,
} from '@chronopost/shared-schemas';
import { createConfiguredKeyring, createVault, type Vault } from '@chronopost/vault';
import { createAtprotoFetch, createDynamoDbLock, type Lock } from '@chronopost/bluesky';
import { createAccountsOAuthClient } from './oauth-client';
import type { SessionEnded } from './session-ended';

/** What a service needs to act with users' stored sessions. */
export interface SessionServices {
  vault: Vault;
  /** The refresh lock, shared by every process that may refresh (DynamoDB). */
  lock: Lock;
  /** The AT Protocol OAuth client, built on first use (importing keys is asynchronous). */
  oauthClient: () => Promise<NodeOAuthClient>;
}

/**
 * The vault, the lock and the OAuth client of a service that uses existing sessions (the
 * publisher, the token refresher), configured as in AWS; tests override any of them.
 */
function createSessionServices(
  config: { oauthClient: OauthClientConfig; aws: AwsConfig },
  secrets: OauthClientSecrets,
  deps: {
    db: Database;
    fetch: typeof globalThis.fetch;
    now: () => Date;
    onSessionEnded: (did: string, ended: SessionEnded) => void;
  },
  overrides: Partial<SessionServices> = {},
): SessionServices {
  const vault =
    overrides.vault ??
    createVault(createConfiguredKeyring(config.oauthClient.keyring, () => new KMSClient(awsClientOptions(config.aws, 'kms'))));
  const lock =
    overrides.lock ??
    createDynamoDbLock({ dynamodb: new DynamoDBClient(awsClientOptions(config.aws, 'dynamodb')), table: config.oauthClient.lockTable });
  return {
    vault,
    lock,
    oauthClient: overrides.oauthClient ?? once(() => createAccountsOAuthClient(config.oauthClient, secrets, { ...deps, vault, lock })),
  };
}

/** The context shared by the services that act with users' sessions (publisher, token refresher). */
export interface SessionServiceContext extends SessionServices {
  logger: Logger;
  db: Database;
  /** Every request to a PDS or authorization server goes through this: SSRF-safe, with a timeout. */
  fetch: typeof globalThis.fetch;
  now: () => Date;
}

/**
 * Builds that context as in AWS: a logger, a database pool of `poolSize`, the SSRF-safe fetch,
 * the clock, and the session services; every part can be overridden (tests).
 */
export function createSessionServiceContext(
  service: string,
  config: { database: { schema: string }; logLevel: Parameters<typeof createLogger>[1]; oauthClient: OauthClientConfig; aws: AwsConfig },
  secrets: DatabaseSecrets & OauthClientSecrets,
  options: { poolSize: number; overrides: Partial<SessionServiceContext> },
): SessionServiceContext {
  const { overrides } = options;
  const logger = overrides.logger ?? createLogger(service, config.logLevel);
  const db =
    overrides.db ??
    createDatabase(databaseConnection(config, secrets), { max: options.poolSize, applicationName: `chronopost-${service}` });
  const fetchImpl = overrides.fetch ?? createAtprotoFetch(config.oauthClient);
  const now = overrides.now ?? (() => new Date());
  const onSessionEnded = (did: string, outcome: SessionEnded) =>
    logger.warn('oauth session ended', { did, state: outcome.state, blockedPosts: outcome.blockedPosts });
  return {
    logger,
    db,
    fetch: fetchImpl,
    now,
    ...createSessionServices(config, secrets, { db, now, fetch: fetchImpl, onSessionEnded }, overrides),
  };
}
