import { computed, signal } from '@preact/signals';
import type { AccountSettings, AccountSettingsInput } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { auth } from '../auth/session';

export interface SettingsAnswer {
  settings: AccountSettings;
  /** Null while the account has never saved any: the values are the API's defaults. */
  updatedAt: string | null;
}

/** The account's defaults for new posts (`GET /settings`), kept by the API; loaded once per session. */
export const accountSettings = signal<SettingsAnswer | undefined>(undefined);
let loading: Promise<SettingsAnswer> | undefined;

export function loadSettings(): Promise<SettingsAnswer> {
  loading ??= api<SettingsAnswer>('/settings')
    .then(({ data }) => (accountSettings.value = data))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

export async function saveSettings(input: AccountSettingsInput): Promise<SettingsAnswer> {
  const { data } = await api<SettingsAnswer>('/settings', { method: 'PUT', body: input });
  accountSettings.value = data;
  loading = Promise.resolve(data);
  return data;
}

// Forgotten at sign-out: another account may sign in next in this tab.
auth.subscribe((state) => {
  if (state.status === 'signed-out') {
    accountSettings.value = undefined;
    loading = undefined;
  }
});

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The zone times are shown and picked in: the account's, once saved; until then the browser's
 * (the API's untouched default, UTC, is rarely where the user lives).
 */
export const timeZone = computed(() => {
  const saved = accountSettings.value;
  return saved?.updatedAt ? saved.settings.timeZone : browserTimeZone();
});
