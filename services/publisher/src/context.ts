import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { createSessionServiceContext, type SessionServiceContext } from '@chronopost/sessions';
import { awsClientOptions, createMetrics, once, type ServiceMetrics } from '@chronopost/lambda-kit';
import { type PublisherConfig, type PublisherSecrets } from '@chronopost/shared-schemas';

export interface PublisherContext extends SessionServiceContext {
  config: PublisherConfig;
  /**
   * Images and videos of a post come from S3: its client (the largest AWS SDK client) is loaded by
   * the first post with media, not at every cold start.
   */
  s3: () => Promise<S3Client>;
  sleep: (ms: number) => Promise<void>;
  metrics: ServiceMetrics;
  /** For Bluesky's video service, an address of our configuration (not a user's): the platform fetch. */
  videoFetch: typeof globalThis.fetch;
}

export const createContext = (
  config: PublisherConfig,
  secrets: PublisherSecrets,
  overrides: Partial<PublisherContext> = {},
): PublisherContext => ({
  config,
  // Up to ten records of a batch run at once.
  ...createSessionServiceContext('publisher', config, secrets, { poolSize: 10, overrides }),
  sleep: overrides.sleep ?? ((ms) => sleep(ms)),
  videoFetch: overrides.videoFetch ?? globalThis.fetch,
  s3: overrides.s3 ?? once(async () => new (await import('@aws-sdk/client-s3')).S3Client(awsClientOptions(config.aws, 's3'))),
  metrics: overrides.metrics ?? createMetrics({ service: 'publisher', namespace: config.metricsNamespace }),
});
