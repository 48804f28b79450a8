import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createAtprotoFetch, createIdentityResolver, type IdentityResolver } from '@chronopost/bluesky';
import { IMAGE_TYPES } from '@chronopost/core';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import { createSafeFetch } from '@chronopost/safe-fetch';
import { type ApiConfig, type ApiSecrets, databaseConnection } from '@chronopost/shared-schemas';

export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  db: Database;
  /** Resolves mentioned handles, as the publisher will (see bluesky identity.ts). */
  identityResolver: IdentityResolver;
  /**
   * For dispatching posts due before the dispatcher's next tick. Loaded with the first such post:
   * with S3 also loaded on demand, an API cold start loads no AWS SDK at all.
   */
  sqs: () => Promise<SQSClient>;
  /**
   * Upload forms, preview URLs, link-card thumbnails: S3's client (the largest AWS SDK client)
   * is loaded on the first media request, not at every cold start of the API.
   */
  s3: () => Promise<S3Client>;
  /** The safe fetchers of link previews: pages (HTML, 1 MB) and their images (5 MB). */
  linkFetch: { page: typeof globalThis.fetch; image: typeof globalThis.fetch };
  now: () => Date;
}

const USER_AGENT = 'Chronopost link preview';

/** Link previews fetch what users name: only through the SSRF-safe fetcher. */
function linkFetchers(config: ApiConfig): ApiContext['linkFetch'] {
  const common = { allowPrivateOrigins: config.fetchAllowPrivateOrigins, timeoutMs: 8_000, userAgent: USER_AGENT };
  return {
    page: createSafeFetch({ ...common, maxBodyBytes: 1_000_000, contentTypes: ['text/html', 'application/xhtml+xml'] }).fetch,
    image: createSafeFetch({ ...common, maxBodyBytes: 5_000_000, contentTypes: [...IMAGE_TYPES, 'image/jpg'] }).fetch,
  };
}

/** A client made (and its SDK module loaded) on first use, then reused. */
const onFirstUse = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};

/** Built once per container and reused; tests pass overrides instead of mocking modules. */
export const createContext = (config: ApiConfig, secrets: ApiSecrets, overrides: Partial<ApiContext> = {}): ApiContext => ({
  config,
  logger: overrides.logger ?? createLogger('api', config.logLevel),
  db: overrides.db ?? createDatabase(databaseConnection(config, secrets), { applicationName: 'chronopost-api' }),
  identityResolver:
    overrides.identityResolver ?? createIdentityResolver({ ...config.identity, fetch: createAtprotoFetch(config.identity) }),
  sqs: overrides.sqs ?? onFirstUse(async () => new (await import('@aws-sdk/client-sqs')).SQSClient(awsClientOptions(config.aws, 'sqs'))),
  s3: overrides.s3 ?? onFirstUse(async () => new (await import('@aws-sdk/client-s3')).S3Client(awsClientOptions(config.aws, 's3'))),
  linkFetch: overrides.linkFetch ?? linkFetchers(config),
  now: overrides.now ?? (() => new Date()),
});
