import { apiMessage, messages } from '../i18n';
import type { Problem } from './model';

/**
 * A problem (by the code the API's schemas give, with its params) in the interface language: from
 * the API's catalogue, else (the composer's own codes, or before the catalogue has loaded) ours.
 */
export function describeProblem(problem: Problem): string {
  const fromApi = apiMessage(problem);
  if (fromApi) return fromApi;
  const texts = messages.value.problems;
  const own = (texts as unknown as Record<string, unknown>)[problem.code];
  return typeof own === 'string' ? own : texts.generic;
}
