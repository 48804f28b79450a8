import type { z } from 'zod';

/*
 * How a zod issue maps to the catalogue, apart from the catalogue itself: the web app maps issues
 * while the user types and loads the catalogue's sentences later.
 */

/** The facts of a zod issue that its catalogue message needs (limits, expected type, allowed values). */
export function zodIssueParams(issue: z.core.$ZodIssue): Record<string, unknown> {
  const { code: _code, path: _path, message: _message, input: _input, ...rest } = issue;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'params' && value && typeof value === 'object') {
      const { code: _ours, ...own } = value as Record<string, unknown>;
      Object.assign(params, own);
    } else if (typeof value === 'bigint') params[key] = Number(value);
    else if (key === 'pattern' && value instanceof RegExp) params[key] = value.source;
    else if (['string', 'number', 'boolean'].includes(typeof value) || Array.isArray(value)) params[key] = value;
  }
  if (Array.isArray(params.values)) params.values = (params.values as unknown[]).map((v) => (typeof v === 'bigint' ? Number(v) : v));
  return params;
}

/** The catalogue code of a zod issue: our own rules carry theirs in `params.code`; zod's keep zod's. */
export function zodIssueCode(issue: z.core.$ZodIssue): string {
  const params = (issue as { params?: { code?: unknown } }).params;
  return issue.code === 'custom' && typeof params?.code === 'string' ? params.code : issue.code;
}
