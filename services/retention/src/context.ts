import { S3Client } from '@aws-sdk/client-s3';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import { databaseConnection, type RetentionConfig, type RetentionSecrets } from '@chronopost/shared-schemas';

export interface RetentionContext {
  config: RetentionConfig;
  logger: Logger;
  db: Database;
  /** Deletes the objects of orphaned uploads. */
  s3: S3Client;
  now: () => Date;
}

export const createContext = (
  config: RetentionConfig,
  secrets: RetentionSecrets,
  overrides: Partial<RetentionContext> = {},
): RetentionContext => ({
  config,
  logger: overrides.logger ?? createLogger('retention', config.logLevel),
  db: overrides.db ?? createDatabase(databaseConnection(config, secrets), { max: 1, applicationName: 'chronopost-retention' }),
  s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
  now: overrides.now ?? (() => new Date()),
});
