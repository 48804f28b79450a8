import { PUBLISHER_TIMEOUT_SECONDS } from '@chronopost/core';
import * as z from 'zod';
import { apiEnvSchema } from './api';
import { dispatcherEnvSchema } from './dispatcher';
import { mediaEnvSchema } from './media';
import { oauthEnvSchema } from './oauth';
import { publisherEnvSchema } from './publisher';
import { retentionEnvSchema } from './retention';
import { tokenRefresherEnvSchema } from './token-refresher';

/** The deployable services: one Lambda function each. */
export const SERVICE_NAMES = ['oauth', 'api', 'dispatcher', 'publisher', 'token-refresher', 'retention', 'media'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Each service's environment schema. Terraform builds every function's environment from these
 * names (typed), and a synth test parses the result, so infrastructure and code cannot drift.
 */
export const SERVICE_ENV_SCHEMAS = {
  oauth: oauthEnvSchema,
  api: apiEnvSchema,
  dispatcher: dispatcherEnvSchema,
  publisher: publisherEnvSchema,
  'token-refresher': tokenRefresherEnvSchema,
  retention: retentionEnvSchema,
  media: mediaEnvSchema,
} as const satisfies Record<ServiceName, z.ZodObject>;

/** The variables a service reads, by name: `keyof` its env schema's input. */
export type ServiceEnvName<S extends ServiceName> = keyof z.input<(typeof SERVICE_ENV_SCHEMAS)[S]> & string;

/** Every variable of a service's schema, split by whether the schema alone demands it. */
export function serviceEnvNames(service: ServiceName): { required: string[]; optional: string[] } {
  const shape = SERVICE_ENV_SCHEMAS[service].shape as Record<string, z.ZodType>;
  const required: string[] = [];
  const optional: string[] = [];
  // A field that accepts "unset" is optional or has a default; anything else must be set.
  for (const [name, field] of Object.entries(shape)) (field.safeParse(undefined).success ? optional : required).push(name);
  return { required, optional };
}

/**
 * Variables that carry secret material. In AWS they are never plain Lambda environment variables:
 * they live in Secrets Manager and are read once at cold start (see SECRET_ARNS_VARIABLE).
 */
export const SECRET_VARIABLES = ['DATABASE_URL', 'APP_JWT_PRIVATE_KEYS', 'OAUTH_CLIENT_PRIVATE_KEYS'] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

/**
 * The one variable that tells a function where its secrets are: a JSON object from variable name
 * (one of SECRET_VARIABLES) to a Secrets Manager secret ARN.
 */
export const SECRET_ARNS_VARIABLE = 'SECRET_ARNS';

/** The value of SECRET_ARNS: `{"DATABASE_URL": "arn:aws:secretsmanager:…", …}`. */
export const secretArnsSchema = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON object from variable name to secret ARN' });
      return z.NEVER;
    }
  })
  .pipe(
    z.partialRecord(
      z.enum(SECRET_VARIABLES, { error: `names only ${SECRET_VARIABLES.join(', ')}` }),
      z
        .string()
        .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must map each variable to a Secrets Manager secret ARN'),
    ),
  );

/** Function timeouts in seconds, the same in AWS (terraform) and in the local runtime. */
export const FUNCTION_TIMEOUT_SECONDS: Record<ServiceName, number> = {
  oauth: 20,
  api: 15,
  dispatcher: 60,
  // Its timings (and the queue's visibility timeout) live together in core's dispatch-policy.ts.
  publisher: PUBLISHER_TIMEOUT_SECONDS,
  'token-refresher': 300,
  retention: 300,
  media: 60,
};
