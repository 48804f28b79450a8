import { LOCALE_NAMES, LOCALES, type Locale, locale, messages, setLocale } from '../i18n';
import { setTheme, type Theme, theme, THEMES } from '../theme';

/** Language and theme choosers; `id` keeps labels unique when two sets are on one page. */
export function Preferences({ id, only }: { id: string; only?: 'language' | 'theme' }) {
  const m = messages.value.preferences;
  const themeNames: Record<Theme, string> = { system: m.themeSystem, light: m.themeLight, dark: m.themeDark };
  return (
    <div class="preferences">
      {only === 'theme' ? null : (
        <div class="field compact">
          <label for={`${id}-language`}>{m.language}</label>
          <select
            id={`${id}-language`}
            class="select"
            value={locale.value}
            onChange={(event) => void setLocale(event.currentTarget.value as Locale)}
          >
            {LOCALES.map((value) => (
              <option value={value} lang={value} key={value}>
                {LOCALE_NAMES[value]}
              </option>
            ))}
          </select>
        </div>
      )}
      {only === 'language' ? null : (
        <div class="field compact">
          <label for={`${id}-theme`}>{m.theme}</label>
          <select id={`${id}-theme`} class="select" value={theme.value} onChange={(event) => setTheme(event.currentTarget.value as Theme)}>
            {THEMES.map((value) => (
              <option value={value} key={value}>
                {themeNames[value]}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
