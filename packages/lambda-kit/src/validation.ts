import type { ErrorIssue } from '@chronopost/shared-schemas';
import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Turns zod issues into `{ path, code, message }`, paths dotted (`items.0.text`). Our own rules
 * carry a stable code in `params.code` (`too_long`, `invalid_language`); zod's have their own.
 */
export const toIssues = (error: z.ZodError, prefix: readonly PropertyKey[] = []): ErrorIssue[] =>
  error.issues.map((issue) => {
    const params = (issue as { params?: { code?: unknown } }).params;
    return {
      path: [...prefix, ...issue.path].map(String).join('.'),
      code: issue.code === 'custom' && typeof params?.code === 'string' ? params.code : issue.code,
      message: issue.message,
    };
  });

/** Parses untrusted input with a schema; any failure is a 400 listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toIssues(result.error, prefix));
  return result.data;
}
