import * as z from 'zod';

/**
 * The message catalogue: every user-visible outcome is a stable `code` with `params`, stored and
 * sent as such, and turned into words only at the edge — English by the API, English or Japanese by
 * the web app. This module imports nothing but zod, so the browser bundle can carry it.
 */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

export interface MessageDefinition<P extends z.ZodType = z.ZodType> {
  /** What the message needs to be rendered; validated before rendering. */
  params: P;
  en: (params: z.output<P>) => string;
  ja: (params: z.output<P>) => string;
}

/** Any definition, whatever its params (renderers are contravariant in them). */
type AnyDefinition = { params: z.ZodType; en: (params: never) => string; ja: (params: never) => string };

/** Keeps each definition's params type attached to its renderers. */
export const defineMessages = <const T extends Record<string, AnyDefinition>>(definitions: T): T => definitions;

/**
 * One message. Params given as a function are built on first use: a service loads the whole
 * catalogue but renders few of its messages, and building every schema cost each cold start
 * ~25 ms (issue 16).
 */
export const message = <P extends z.ZodType>(
  params: P | (() => P),
  en: (params: z.output<P>) => string,
  ja: (params: z.output<P>) => string,
): MessageDefinition<P> => {
  let schema = typeof params === 'function' ? undefined : params;
  const make = params as () => P;
  return {
    get params() {
      return (schema ??= make());
    },
    en,
    ja,
  };
};

/** No params. */
export const none = z.object({}).loose();

/** A stored or transmitted message: the code and what it needs. */
export const messageRefSchema = z.object({
  code: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type MessageRef = z.infer<typeof messageRefSchema>;

/** Helpers for natural plurals in English (Japanese has none). */
export const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);
