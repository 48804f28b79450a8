import type { ErrorIssue } from '@chronopost/shared-schemas';
import { apiMessage } from '../i18n';

/**
 * A catalogue code the API stored (a notification, an attempt's reason, why a post is held) in the
 * interface language; the API's English sentence until the catalogue has loaded.
 */
export const renderCode = (code: string, params: Record<string, unknown> | null | undefined, english: string) =>
  apiMessage({ code, params: params ?? undefined }) ?? english;

/** One refused field of a request, from its catalogue code (the API's English text otherwise). */
export const describeIssue = (issue: Pick<ErrorIssue, 'code' | 'params' | 'message'>) =>
  renderCode(issue.code, issue.params, issue.message);
