import * as z from 'zod';

/**
 * Building blocks for environment-variable schemas. Every message says what the variable must be
 * and, where useful, what to do, because it is shown verbatim when start-up fails.
 */

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `is required: ${what}` : `must be ${what}`);

export const databaseUrlField = z
  .string({ error: required('a PostgreSQL connection string, e.g. postgres://user:password@host:5432/chronopost') })
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/chronopost');

/** A schema name for preview environments (`pr_123`); `public` in production. */
export const dbSchemaField = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits and _), e.g. pr_123')
  .default('public');

export const logLevelField = z
  .enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'], {
    error: 'must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT',
  })
  .default('INFO');

export const httpUrlField = (what: string) => z.url({ protocol: /^https?$/, error: required(`an http(s) URL: ${what}`) });

export const optionalEndpointField = (service: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL of a ${service}-compatible endpoint` }).optional();

export const nameField = (what: string) =>
  z.string({ error: required(what) }).regex(/^[A-Za-z0-9._-]{1,255}$/, `must be ${what} (letters, digits, . _ -)`);

export const positiveIntField = (what: string, defaultValue: number) =>
  z.coerce
    .number({ error: `must be a whole number: ${what}` })
    .int(`must be a whole number: ${what}`)
    .positive(`must be greater than 0: ${what}`)
    .default(defaultValue);

export const portField = (defaultValue: number) =>
  z.coerce
    .number({ error: 'must be a TCP port number (0-65535)' })
    .int('must be a TCP port number (0-65535)')
    .min(0, 'must be a TCP port number (0-65535)')
    .max(65535, 'must be a TCP port number (0-65535)')
    .default(defaultValue);

export const booleanField = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** A JSON array of private JWKs (each with a `kid`), the first one used to sign. */
export const privateJwksField = (what: string) =>
  z.string().transform((text, context) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      context.addIssue({ code: 'custom', message: `must be a JSON array of private JWKs: ${what}` });
      return z.NEVER;
    }
    const keys = z
      .array(z.looseObject({ kty: z.string(), kid: z.string().min(1), d: z.string().min(1) }))
      .min(1)
      .safeParse(value);
    if (!keys.success) {
      context.addIssue({ code: 'custom', message: `must be a non-empty JSON array of private JWKs, each with kty, kid and d: ${what}` });
      return z.NEVER;
    }
    return keys.data;
  });

/**
 * A comma-separated list of origins (`http://localhost:2583`) that the safe fetcher may reach on
 * private addresses: the local demo PDS and PLC, a test PDS. Empty in AWS.
 */
export const privateOriginsField = z
  .string()
  .default('')
  .transform((text, context) => {
    const origins: string[] = [];
    for (const part of text
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean)) {
      let url: URL | undefined;
      try {
        url = new URL(part);
      } catch {
        url = undefined;
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== part.replace(/\/$/, '')) {
        context.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of origins like http://localhost:2583 (not “${part}”)`,
        });
        return z.NEVER;
      }
      origins.push(url.origin);
    }
    return origins;
  });
