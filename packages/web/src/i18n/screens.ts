import { computed, effect, signal } from '@preact/signals';
import { locale } from '.';
import { type ScreenMessages, screensEn } from './screens-en';

const japanese = signal<ScreenMessages | undefined>(undefined);
const loadJapanese = async () => {
  japanese.value ??= (await import('./screens-ja')).screensJa;
};

/** The texts of the screens after the first, in the interface language (re-renders on a switch). */
export const screenMessages = computed(() => (locale.value === 'ja' ? (japanese.value ?? screensEn) : screensEn));

// A screen that imports this module waits for its Japanese texts (top-level await), so it never
// shows English first; a switch of language later loads them then.
if (locale.value === 'ja') await loadJapanese();
effect(() => {
  if (locale.value === 'ja') void loadJapanese();
});
