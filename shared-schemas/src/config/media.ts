import * as z from 'zod';
import { awsEnvShape, baseEnvShape, toAwsConfig, toDatabaseConfig } from './common';
import { nameField } from './fields';
import { databaseSecrets } from './secrets';
import { videoHostsEnvShape } from './video';

export const mediaEnvSchema = z.object({
  ...baseEnvShape,
  ...awsEnvShape,
  MEDIA_BUCKET: nameField('the name of the S3 bucket that receives uploads'),
  ...videoHostsEnvShape,
});
export const mediaConfigSchema = mediaEnvSchema.transform((env) => ({
  database: toDatabaseConfig(env),
  aws: toAwsConfig(env),
  mediaBucket: env.MEDIA_BUCKET,
  videoServicePdsHosts: env.VIDEO_SERVICE_PDS_HOSTS,
  logLevel: env.LOG_LEVEL,
}));
export type MediaConfig = z.output<typeof mediaConfigSchema>;

/** The media service's secrets, apart from its config (see secrets.ts). */
export const mediaSecretsSchema = mediaEnvSchema.transform(databaseSecrets);
export type MediaSecrets = z.output<typeof mediaSecretsSchema>;
