import { SQSClient } from '@aws-sdk/client-sqs';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, createMetrics, type Logger, type ServiceMetrics } from '@chronopost/lambda-kit';
import { databaseConnection, type DispatcherConfig, type DispatcherSecrets } from '@chronopost/shared-schemas';
import { CLAIM_WORKERS } from './tick';

export interface DispatcherContext {
  config: DispatcherConfig;
  logger: Logger;
  db: Database;
  sqs: SQSClient;
  metrics: ServiceMetrics;
  now: () => Date;
}

export const createContext = (
  config: DispatcherConfig,
  secrets: DispatcherSecrets,
  overrides: Partial<DispatcherContext> = {},
): DispatcherContext => ({
  config,
  logger: overrides.logger ?? createLogger('dispatcher', config.logLevel),
  db:
    overrides.db ??
    createDatabase(databaseConnection(config, secrets), { max: CLAIM_WORKERS + 1, applicationName: 'chronopost-dispatcher' }),
  sqs: overrides.sqs ?? new SQSClient(awsClientOptions(config.aws, 'sqs')),
  metrics: overrides.metrics ?? createMetrics({ service: 'dispatcher', namespace: config.metricsNamespace }),
  now: overrides.now ?? (() => new Date()),
});
