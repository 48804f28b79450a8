import { messages } from '../i18n';
import type { Problem } from './model';

/** A problem (by the code the API's schemas give) in the interface language. */
export function describeProblem(problem: Problem, context: { length?: number } = {}): string {
  const texts = messages.value.problems;
  if (problem.code === 'too_long') return texts.too_long(context.length ?? 0);
  const known = (texts as unknown as Record<string, unknown>)[problem.code];
  if (typeof known === 'string') return known;
  const message = problem.params?.message;
  return texts.other(typeof message === 'string' ? message : problem.code);
}
