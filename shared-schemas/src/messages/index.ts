import { type z } from 'zod';
import type { Locale, MessageDefinition, MessageRef } from './define';
import { errorMessages } from './errors';
import { mediaMessages } from './media';
import { notificationMessages } from './notifications';
import { publishingMessages } from './publishing';
import { sessionMessages } from './sessions';
import { validationMessages } from './validation';

export * from './define';
export { zodIssueCode, zodIssueParams } from './zod-issues';
export { errorMessages } from './errors';
export { STATUS_NAMES } from './statuses';
export { durationEn, durationJa } from './durations';
export { validationMessages } from './validation';
export { publishingMessages, type PublishingCode } from './publishing';
export { sessionMessages, SESSION_END_CODES, type SessionEndCode } from './sessions';
export { notificationMessages, NOTIFICATION_CODES, type NotificationCode } from './notifications';
export { mediaMessages, type MediaMessageCode } from './media';

/** Every user-visible message, by code. Codes are unique across concepts (a test checks it). */
export const MESSAGES = {
  ...validationMessages,
  ...errorMessages,
  ...publishingMessages,
  ...sessionMessages,
  ...notificationMessages,
  ...mediaMessages,
} as const;
export type MessageCode = keyof typeof MESSAGES;
export type MessageParams<C extends MessageCode> = z.input<(typeof MESSAGES)[C]['params']>;

export const isMessageCode = (code: string): code is MessageCode => Object.hasOwn(MESSAGES, code);

/** A message reference with its params type checked against the catalogue. */
export const msg = <C extends MessageCode>(code: C, ...params: keyof MessageParams<C> extends never ? [] : [MessageParams<C>]) =>
  ({ code, params: (params[0] ?? {}) as Record<string, unknown> }) satisfies MessageRef;

/**
 * The sentence for a code in a locale. Never throws: an unknown code or params that do not fit
 * (an old stored row, a newer server) fall back to a generic sentence rather than break a page.
 */
export function renderMessage(ref: { code: string; params?: Record<string, unknown> | null | undefined }, locale: Locale = 'en'): string {
  const definition = isMessageCode(ref.code) ? (MESSAGES[ref.code] as unknown as MessageDefinition) : undefined;
  if (definition) {
    const params = definition.params.safeParse(ref.params ?? {});
    if (params.success) return definition[locale](params.data);
  }
  return locale === 'ja' ? `エラーが発生しました（${ref.code}）。` : `Something went wrong (${ref.code}).`;
}
