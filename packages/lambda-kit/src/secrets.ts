import { ConfigError, SECRET_ARNS_VARIABLE, secretArnsSchema } from '@chronopost/shared-schemas';

type Env = Record<string, string | undefined>;

/** Reads one secret's value; the default asks Secrets Manager. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

/**
 * Secrets Manager's client is loaded only where `SECRET_ARNS` is set (in AWS): locally and in
 * tests the cold start does not pay for an SDK client it never uses.
 */
const secretsManagerReader = (env: Env): SecretReader => {
  let client: Promise<{ read: SecretReader }> | undefined;
  const connect = async () => {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const secretsManager = new SecretsManagerClient({
      region: env.AWS_REGION || 'us-east-1',
      // A stand-in's endpoint (tests); unset in AWS.
      ...(env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}),
    });
    return { read: async (arn: string) => (await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString };
  };
  return async (arn) => (await (client ??= connect())).read(arn);
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
