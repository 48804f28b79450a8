import * as z from 'zod';
import { databaseUrlField, dbSchemaField, logLevelField, optionalEndpointField } from './fields';

/** Variables every service reads: where its data lives and how loudly it logs. */
export const baseEnvShape = {
  DATABASE_URL: databaseUrlField,
  DB_SCHEMA: dbSchemaField,
  LOG_LEVEL: logLevelField,
};

/**
 * AWS client settings. In Lambda the runtime sets AWS_REGION and credentials; locally the
 * `AWS_ENDPOINT_URL_*` variables point the real SDK clients at the stand-ins.
 */
export const awsEnvShape = {
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_SQS: optionalEndpointField('SQS'),
  AWS_ENDPOINT_URL_S3: optionalEndpointField('S3'),
  AWS_ENDPOINT_URL_DYNAMODB: optionalEndpointField('DynamoDB'),
  AWS_ENDPOINT_URL_KMS: optionalEndpointField('KMS'),
};

/** A database connection: the URL (with its credentials) and the schema. What `createDatabase` takes. */
export interface DatabaseConfig {
  url: string;
  schema: string;
}

/**
 * The database in a service's config: only the schema. The connection string carries the
 * password, so it is a secret (`databaseUrl` in the service's secrets, see secrets.ts).
 */
export const toDatabaseConfig = (env: { DB_SCHEMA: string }) => ({ schema: env.DB_SCHEMA });

export const toAwsConfig = (env: {
  AWS_REGION: string;
  AWS_ENDPOINT_URL_SQS?: string | undefined;
  AWS_ENDPOINT_URL_S3?: string | undefined;
  AWS_ENDPOINT_URL_DYNAMODB?: string | undefined;
  AWS_ENDPOINT_URL_KMS?: string | undefined;
}) => ({
  region: env.AWS_REGION,
  endpoints: {
    sqs: env.AWS_ENDPOINT_URL_SQS,
    s3: env.AWS_ENDPOINT_URL_S3,
    dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB,
    kms: env.AWS_ENDPOINT_URL_KMS,
  },
});
export type AwsConfig = ReturnType<typeof toAwsConfig>;

/**
 * Services that emit metrics (Powertools, EMF) name the CloudWatch namespace: one per environment
 * (`Chronopost/prod`, `Chronopost/pr-12`), so a preview never trips production's alarms.
 */
export const metricsEnvShape = {
  METRICS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'must be a CloudWatch namespace, e.g. Chronopost/prod')
    .default('Chronopost/local'),
};

/** Just the database: for tools such as `pnpm db:migrate`. */
export const databaseEnvSchema = z.object({ DATABASE_URL: databaseUrlField, DB_SCHEMA: dbSchemaField });
export const databaseConfigSchema = databaseEnvSchema.transform((env): DatabaseConfig => ({
  url: env.DATABASE_URL,
  schema: env.DB_SCHEMA,
}));
