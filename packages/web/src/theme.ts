import { signal } from '@preact/signals';

/** `system` follows the operating system's light or dark setting (the default). */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = 'chronopost.theme';
export const theme = signal<Theme>('system');

function apply(value: Theme) {
  const root = document.documentElement;
  if (value === 'system') delete root.dataset.theme;
  else root.dataset.theme = value;
}

export function initTheme(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage disabled: follow the system
  }
  theme.value = THEMES.includes(stored as Theme) ? (stored as Theme) : 'system';
  apply(theme.value);
}

export function setTheme(value: Theme): void {
  theme.value = value;
  apply(value);
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // applied, not remembered
  }
}
