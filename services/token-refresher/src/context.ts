import { S3Client } from '@aws-sdk/client-s3';
import { createSessionServiceContext, type SessionServiceContext } from '@chronopost/bluesky';
import { awsClientOptions, createMetrics, type ServiceMetrics } from '@chronopost/lambda-kit';
import type { TokenRefresherConfig } from '@chronopost/shared-schemas';

export interface TokenRefresherContext extends SessionServiceContext {
  config: TokenRefresherConfig;
  /** Retention deletes the objects of orphaned uploads. */
  s3: S3Client;
  metrics: ServiceMetrics;
}

export const createContext = (config: TokenRefresherConfig, overrides: Partial<TokenRefresherContext> = {}): TokenRefresherContext => ({
  config,
  // Refreshes run a few at a time (REFRESH_CONCURRENCY).
  ...createSessionServiceContext('token-refresher', config, { poolSize: 4, overrides }),
  s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
  metrics: overrides.metrics ?? createMetrics({ service: 'token-refresher', namespace: config.metricsNamespace }),
});
