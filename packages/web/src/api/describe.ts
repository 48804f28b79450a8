import { apiMessage, messages } from '../i18n';
import { ApiError } from './errors';

/**
 * An error as one sentence in the interface language: from the API's catalogue by its code, else
 * (codes of the browser's own, such as no network, or before the catalogue has loaded) from ours;
 * the server's text only as a last resort. A refused request says which field and why (its first
 * issue), not only that something was refused.
 */
export function describeError(error: unknown): string {
  const texts = messages.value.errors;
  if (error instanceof ApiError) {
    const [issue] = error.issues;
    const fromIssue = error.code === 'validation_failed' && issue ? apiMessage({ code: issue.code, params: issue.params }) : undefined;
    if (fromIssue) return fromIssue;
    const fromApi = apiMessage({ code: error.code, params: error.params });
    if (fromApi) return fromApi;
    const known = (texts as unknown as Record<string, unknown>)[error.code];
    if (typeof known === 'string') return known;
    if (error.status >= 500) return texts.server_error;
    return texts.unknown(error.message);
  }
  return texts.unknown(error instanceof Error ? error.message : String(error));
}
