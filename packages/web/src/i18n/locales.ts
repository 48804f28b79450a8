/** The interface languages, and which one a browser gets first. */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ja: '日本語' };

const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** The stored choice, else the first of the browser's languages we speak, else English. */
export function preferredLocale(stored: string | null, browser: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of browser) {
    const language = tag.toLowerCase().split('-')[0];
    if (isLocale(language)) return language;
  }
  return 'en';
}
