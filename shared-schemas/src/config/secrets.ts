import type { DatabaseConfig } from './common';

/**
 * Secrets, kept apart from configuration (the atproto PDS's `config/{env,config,secrets}.ts`
 * split): a service's config object holds no secret material, so logging it, passing it around or
 * putting it in an error cannot leak one. Each service parses its environment once into both, its
 * config (`<service>ConfigSchema`) and its secrets (`<service>SecretsSchema`); in AWS the secret
 * variables come from Secrets Manager (`SECRET_ARNS`, read by lambda-kit's `resolveSecrets` at
 * cold start), locally from the environment: one way in either way.
 */

/** Every service: the connection string, whose userinfo is the database password. */
export const databaseSecrets = (env: { DATABASE_URL: string }) => ({ databaseUrl: env.DATABASE_URL });
export type DatabaseSecrets = ReturnType<typeof databaseSecrets>;

/** The services that build the OAuth client: the confidential client's private ES256 keys (none for a loopback client). */
export const oauthClientSecrets = (env: { OAUTH_CLIENT_PRIVATE_KEYS?: Array<Record<string, unknown> & { kid: string }> | undefined }) => ({
  oauthClientKeys: env.OAUTH_CLIENT_PRIVATE_KEYS ?? [],
});
export type OauthClientSecrets = ReturnType<typeof oauthClientSecrets>;

/** The connection a service opens: the schema from its config, the URL from its secrets. */
export const databaseConnection = (config: { database: { schema: string } }, secrets: DatabaseSecrets): DatabaseConfig => ({
  url: secrets.databaseUrl,
  schema: config.database.schema,
});
