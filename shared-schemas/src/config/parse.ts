import type { z } from 'zod';

/** A configuration problem found at start-up. The message names each variable and what to do. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
  }
}

/**
 * Parses raw environment variables with a config schema. Empty strings count as unset, as a shell
 * `FOO=` usually means "not configured". Throws one ConfigError listing every bad variable.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? issue.path.join('.') : '(configuration)';
    return { variable, line: `${variable} ${issue.message}` };
  });
  const variables = [...new Set(lines.map((line) => line.variable))];
  throw new ConfigError(`Invalid configuration: ${lines.map((line) => line.line).join('; ')}`, variables);
}
