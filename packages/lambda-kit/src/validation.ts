import { type ErrorIssue, renderMessage, zodIssueCode, zodIssueParams } from '@chronopost/shared-schemas';
import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Turns zod issues into `{ path, code, params, message }`: paths dotted (`items.0.text`), the root
 * named (`body`, `query`) rather than empty, the code from the message catalogue (our rules carry
 * theirs in `params.code`; zod's keep zod's) and the English sentence rendered from it.
 */
export const toIssues = (error: z.ZodError, prefix: readonly PropertyKey[] = [], root = 'body'): ErrorIssue[] =>
  error.issues.map((issue) => {
    const code = zodIssueCode(issue);
    const params = zodIssueParams(issue);
    const path = [...prefix, ...issue.path].map(String).join('.');
    return {
      path: path || root,
      code,
      ...(Object.keys(params).length ? { params } : {}),
      message: renderMessage({ code, params }),
    };
  });

/** Parses untrusted input with a schema; any failure is a 400 listing every problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
  root = 'body',
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toIssues(result.error, prefix, root));
  return result.data;
}
