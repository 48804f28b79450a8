import { messages } from '../i18n';
import { ApiError } from './errors';

/** An error as one sentence in the interface language, from its code (the server's text only as a last resort). */
export function describeError(error: unknown): string {
  const texts = messages.value.errors;
  if (error instanceof ApiError) {
    const known = (texts as unknown as Record<string, unknown>)[error.code];
    if (typeof known === 'string') return known;
    if (error.status >= 500) return texts.server_error;
    return texts.unknown(error.message);
  }
  return texts.unknown(error instanceof Error ? error.message : String(error));
}
