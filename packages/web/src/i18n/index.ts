import { computed, signal } from '@preact/signals';
import type * as CatalogueModule from './catalogue';
import { en, type Messages } from './en';

import { type Locale, preferredLocale } from './locales';

export { type Locale, LOCALE_NAMES, LOCALES, preferredLocale } from './locales';

const STORAGE_KEY = 'chronopost.locale';
const catalogues: Partial<Record<Locale, Messages>> = { en };

export const locale = signal<Locale>('en');
const loaded = signal<Messages>(en);
/** The interface text in the current language; reading it in a component re-renders on a switch. */
export const messages = computed(() => loaded.value);

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the browser's languages decide
  }
}

async function catalogue(next: Locale): Promise<Messages> {
  // Japanese is loaded only by those who use it.
  return (catalogues[next] ??= next === 'ja' ? (await import('./ja')).ja : en);
}

/** Switches the interface language (and remembers it unless `persist` is false). */
export async function setLocale(next: Locale, persist = true): Promise<void> {
  loaded.value = await catalogue(next);
  locale.value = next;
  document.documentElement.lang = next;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not remembered, still switched
    }
  }
}

type Catalogue = typeof CatalogueModule;
const apiCatalogue = signal<Catalogue | undefined>(undefined);
/** Loads the API's message catalogue (once); sentences from it re-render where they are shown. */
export const loadApiCatalogue = () =>
  import('./catalogue').then((loaded) => {
    apiCatalogue.value = loaded;
  });

/**
 * A code of the API's catalogue (an error, a problem with a field, a warning, a notification) in
 * the interface language; undefined for a code it does not have, or before it has loaded.
 */
export function apiMessage(ref: { code: string; params?: Record<string, unknown> | undefined }): string | undefined {
  const catalogue = apiCatalogue.value;
  if (!catalogue?.isMessageCode(ref.code)) return undefined;
  // A code whose params do not fit (a newer server, one of our own codes by the same name) is not its message.
  if (!catalogue.MESSAGES[ref.code].params.safeParse(ref.params ?? {}).success) return undefined;
  return catalogue.renderMessage(ref, locale.value);
}

export const initLocale = () => setLocale(preferredLocale(readStored(), navigator.languages ?? [navigator.language]), false);

/** Dates and times in the interface language, in a given time zone (the viewer's by default). */
export function formatDateTime(
  value: Date | string | number,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' },
): string {
  return new Intl.DateTimeFormat(locale.value, options).format(new Date(value));
}

export const formatNumber = (value: number, options?: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(locale.value, options).format(value);

/** "in 5 minutes", "3 日前": the nearest sensible unit. */
export function formatRelative(target: Date | string | number, now = Date.now()): string {
  const seconds = Math.round((new Date(target).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3_600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3_600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}
