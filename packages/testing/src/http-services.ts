import { mkdtemp, rm } from 'node:fs/promises';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAccessTokenKey } from '@chronopost/app-auth';
import { createLogger } from '@chronopost/lambda-kit';
import { upsertAccount } from '@chronopost/db';
import { createPdsAccount, createTables, freePort, type LocalGateway, startLocalGateway } from '@chronopost/local';
import * as api from '@chronopost/service-api';
import * as oauth from '@chronopost/service-oauth';
import { HTTP_ROUTES } from '@chronopost/shared-schemas';
import { testAwsEnv, testDynamoDbClient, testS3Client } from './aws';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database';
import { testEnvironment } from './environment';
import { uniqueName } from './names';

export interface HttpServices {
  /** The gateway's base URL (the API's PUBLIC_URL unless overridden). */
  url: string;
  env: Record<string, string>;
  oauth: oauth.OauthContext;
  api: api.ApiContext;
  gateway: LocalGateway;
  /** A fresh oauth context on the same configuration: another "Lambda container". */
  newOauthContext(overrides?: Partial<oauth.OauthContext>): oauth.OauthContext;
  /**
   * An app access token for a new account on the shared PDS, its row in our database as a login
   * would leave it. For API tests that are not about login (those use the OAuth flow itself).
   */
  signUp(): Promise<{ did: string; handle: string; token: string; pdsPassword: string }>;
  close(): Promise<void>;
}

/**
 * The oauth and api services behind the local API Gateway stand-in, configured as `pnpm dev`
 * would with the shared stand-ins, the test's own database, its own DynamoDB tables and master
 * key, and the shared local PDS for identities.
 */
export async function startHttpServices(options: {
  database: TestDatabase;
  env?: Record<string, string>;
  oauthOverrides?: Partial<oauth.OauthContext>;
  /** Log level of the services (DEBUG when a test scans the logs). */
  logLevel?: string;
  port?: number;
}): Promise<HttpServices> {
  const environment = testEnvironment();
  const dir = await mkdtemp(join(tmpdir(), 'http-services-'));
  const port = options.port ?? (await freePort());
  const stateTable = uniqueName('oauth-state');
  const lockTable = uniqueName('locks');
  await createTables(testDynamoDbClient(), [stateTable, lockTable]);
  const mediaBucket = uniqueName('media').replaceAll('_', '-');
  await testS3Client().send(new CreateBucketCommand({ Bucket: mediaBucket }));
  const env: Record<string, string> = {
    DATABASE_URL: options.database.config.url,
    LOG_LEVEL: options.logLevel ?? 'WARN',
    ...testAwsEnv(),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    OAUTH_STATE_TABLE: stateTable,
    LOCK_TABLE: lockTable,
    LOCAL_MASTER_KEY_FILE: join(dir, 'master.key'),
    APP_JWT_PRIVATE_KEYS: JSON.stringify([await generateAccessTokenKey('test-key')]),
    ATPROTO_HANDLE_RESOLVER: environment.pdsUrl,
    ATPROTO_PLC_URL: environment.plcUrl,
    OAUTH_ALLOW_HTTP: 'true',
    MEDIA_BUCKET: mediaBucket,
    ...options.env,
  };
  const oauthConfig = oauth.loadConfig(env);
  const oauthSecrets = oauth.loadSecrets(env);
  const newOauthContext = (overrides: Partial<oauth.OauthContext> = {}) =>
    oauth.createContext(oauthConfig, oauthSecrets, { db: options.database.db, ...options.oauthOverrides, ...overrides });
  const oauthContext = newOauthContext();
  const apiContext = api.createContext(api.loadConfig(env), api.loadSecrets(env), { db: options.database.db });
  const gateway = await startLocalGateway({
    host: '127.0.0.1',
    port,
    routes: HTTP_ROUTES,
    handlers: { api: api.makeHandler(apiContext), oauth: oauth.makeHandler(oauthContext) },
    webOrigin: oauthConfig.webOrigin,
    authorizer: { issuer: oauthConfig.appTokens.issuer, audience: oauthConfig.appTokens.audience },
    logger: createLogger('gateway', 'WARN'),
  });
  return {
    url: gateway.url,
    env,
    oauth: oauthContext,
    api: apiContext,
    gateway,
    newOauthContext,
    signUp: async () => {
      const account = await createPdsAccount(environment.pdsUrl);
      await upsertAccount(options.database.db, { did: account.did, handle: account.handle, pdsUrl: environment.pdsUrl });
      const { token } = await (await oauthContext.signer()).sign(account.did);
      return { did: account.did, handle: account.handle, token, pdsPassword: account.password };
    },
    close: async () => {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the services on a fresh database before the tests of the enclosing `describe` and stops
 * them after. Read `.services` and `.database` inside the tests (they exist from `beforeAll` on).
 */
export function useHttpServices(options: Omit<Parameters<typeof startHttpServices>[0], 'database'> = {}) {
  const rig = {} as { services: HttpServices; database: TestDatabase };
  beforeAll(async () => {
    rig.database = await createTestDatabase();
    rig.services = await startHttpServices({ ...options, database: rig.database });
  });
  afterAll(async () => {
    await rig.services?.close();
    await rig.database?.drop();
  });
  return rig;
}
