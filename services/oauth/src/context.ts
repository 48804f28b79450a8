import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { NodeOAuthClient, NodeSavedStateStore } from '@atproto/oauth-client-node';
import { createAccessTokenSigner, publicJwks } from '@chronopost/app-auth';
import { createAtprotoFetch, createDynamoDbLock, createDynamoDbStateStore, type Lock } from '@chronopost/bluesky';
import { createDatabase, type Database } from '@chronopost/db';
import { createAccountsOAuthClient } from '@chronopost/sessions';
import { awsClientOptions, createLogger, type Logger, once } from '@chronopost/lambda-kit';
import { databaseConnection, type OauthConfig, type OauthSecrets } from '@chronopost/shared-schemas';
import { createConfiguredKeyring, createVault, type Vault } from '@chronopost/vault';
import { createLoginRateLimiter, type RateLimiter } from './rate-limit';

export interface OauthContext {
  config: OauthConfig;
  logger: Logger;
  db: Database;
  dynamodb: DynamoDBClient;
  vault: Vault;
  lock: Lock;
  rateLimiter: RateLimiter;
  stateStore: NodeSavedStateStore;
  /** The AT Protocol OAuth client, built on first use (importing its keys is asynchronous). */
  oauthClient: () => Promise<NodeOAuthClient>;
  signer: () => ReturnType<typeof createAccessTokenSigner>;
  /** The public halves of the app's signing keys (`/.well-known/jwks.json`); the private ones stay in the signer. */
  appJwks: ReturnType<typeof publicJwks>;
  /** Every request to a server the user names (their PDS, authorization server, DID documents): SSRF-safe. */
  fetch: typeof globalThis.fetch;
  now: () => Date;
}

export const createContext = (config: OauthConfig, secrets: OauthSecrets, overrides: Partial<OauthContext> = {}): OauthContext => {
  const logger = overrides.logger ?? createLogger('oauth', config.logLevel);
  const db = overrides.db ?? createDatabase(databaseConnection(config, secrets), { applicationName: 'chronopost-oauth' });
  const dynamodb = overrides.dynamodb ?? new DynamoDBClient(awsClientOptions(config.aws, 'dynamodb'));
  const vault =
    overrides.vault ??
    createVault(createConfiguredKeyring(config.oauthClient.keyring, () => new KMSClient(awsClientOptions(config.aws, 'kms'))));
  const lock = overrides.lock ?? createDynamoDbLock({ dynamodb, table: config.oauthClient.lockTable });
  const now = overrides.now ?? (() => new Date());
  const stateStore = overrides.stateStore ?? createDynamoDbStateStore({ dynamodb, table: config.stateTable, vault });
  const fetchImpl = overrides.fetch ?? createAtprotoFetch(config.oauthClient);
  const context: OauthContext = {
    stateStore,
    config,
    logger,
    db,
    dynamodb,
    vault,
    lock,
    now,
    fetch: fetchImpl,
    appJwks: overrides.appJwks ?? publicJwks(secrets.appJwtPrivateKeys),
    rateLimiter: overrides.rateLimiter ?? createLoginRateLimiter({ dynamodb, table: config.stateTable, limit: config.loginRateLimit }),
    oauthClient:
      overrides.oauthClient ??
      once(() =>
        createAccountsOAuthClient(config.oauthClient, secrets, {
          db,
          stateStore,
          vault,
          lock,
          now,
          fetch: fetchImpl,
          onSessionEnded: (did, outcome) =>
            logger.info('oauth session ended', { did, state: outcome.state, blockedPosts: outcome.blockedPosts }),
        }),
      ),
    signer:
      overrides.signer ??
      once(() =>
        createAccessTokenSigner({
          privateKeys: secrets.appJwtPrivateKeys,
          issuer: config.appTokens.issuer,
          audience: config.appTokens.audience,
          ttlSeconds: config.appTokens.accessTtlSeconds,
        }),
      ),
  };
  return context;
};
