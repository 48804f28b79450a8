import { S3Client } from '@aws-sdk/client-s3';
import { createDatabase, type Database } from '@chronopost/db';
import { awsClientOptions, createLogger, type Logger } from '@chronopost/lambda-kit';
import { databaseConnection, type MediaConfig, type MediaSecrets } from '@chronopost/shared-schemas';

export interface MediaContext {
  config: MediaConfig;
  logger: Logger;
  db: Database;
  s3: S3Client;
  now: () => Date;
}

export const createContext = (config: MediaConfig, secrets: MediaSecrets, overrides: Partial<MediaContext> = {}): MediaContext => ({
  config,
  logger: overrides.logger ?? createLogger('media', config.logLevel),
  db: overrides.db ?? createDatabase(databaseConnection(config, secrets), { max: 2, applicationName: 'chronopost-media' }),
  s3: overrides.s3 ?? new S3Client(awsClientOptions(config.aws, 's3')),
  now: overrides.now ?? (() => new Date()),
});
