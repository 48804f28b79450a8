import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, SECRET_ARNS_VARIABLE, secretArnsSchema } from '@chronopost/shared-schemas';

type Env = Record<string, string | undefined>;

/** Reads one secret's value; the default asks Secrets Manager. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

const secretsManagerReader = (env: Env): SecretReader => {
  const client = new SecretsManagerClient({
    region: env.AWS_REGION || 'us-east-1',
    // A stand-in's endpoint (tests); unset in AWS.
    ...(env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}),
  });
  return async (arn) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
};

/**
 * The environment with its secrets filled in, once, at cold start. In AWS a function's secret
 * variables (DATABASE_URL, signing keys) are not environment variables: `SECRET_ARNS` maps each
 * to a Secrets Manager secret, read here in parallel. Without `SECRET_ARNS` (locally) the
 * environment is returned as it is. A secret that cannot be read stops the cold start with a
 * ConfigError naming the variable and the secret, never its value.
 */
export async function resolveSecrets(env: Env, read: SecretReader = secretsManagerReader(env)): Promise<Env> {
  const raw = env[SECRET_ARNS_VARIABLE];
  if (!raw) return env;
  const parsed = secretArnsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${SECRET_ARNS_VARIABLE} ${parsed.error.issues[0]?.message ?? 'is invalid'}`, [
      SECRET_ARNS_VARIABLE,
    ]);
  }
  const entries = Object.entries<string>(parsed.data);
  const values = await Promise.all(
    entries.map(async ([name, arn]) => {
      try {
        const value = await read(arn);
        if (!value) throw new Error('the secret has no value');
        return [name, value] as const;
      } catch (error) {
        throw new ConfigError(
          `Invalid configuration: ${name} could not be read from secret ${arn}: ${(error as Error).name}: ${(error as Error).message}`,
          [name],
        );
      }
    }),
  );
  return { ...env, ...Object.fromEntries(values) };
}
