import { accountSettingsSchema, type AccountSettingsInput, isMessageCode, zodIssueCode, zodIssueParams } from '@chronopost/shared-schemas';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError, describeIssue, renderCode } from '../api/describe';
import { ApiError } from '../api/errors';
import { formatDateTime, messages } from '../i18n';
import { accountSettings, browserTimeZone, loadSettings, saveSettings, type SettingsAnswer } from '../settings/store';
import '../styles/settings.css';
import { announce } from '../ui/announcer';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Page } from '../ui/page';

type Group = 'mentioned' | 'following' | 'followers';
const GROUPS: Group[] = ['mentioned', 'following', 'followers'];

interface Form {
  timeZone: string;
  languages: string;
  replyMode: 'everyone' | 'nobody' | 'limited';
  groups: Record<Group, boolean>;
  list: string;
  allowQuotes: boolean;
  lateMode: 'skip' | 'publish';
  graceMinutes: string;
}

function formOf({ settings, updatedAt }: SettingsAnswer): Form {
  const reply = settings.replyControl;
  const allow = reply.mode === 'limited' ? reply.allow : [];
  return {
    // Never saved: the browser's zone is the better guess than the API's UTC.
    timeZone: updatedAt ? settings.timeZone : browserTimeZone(),
    languages: settings.languages.join(', '),
    replyMode: reply.mode,
    groups: { mentioned: allow.includes('mentioned'), following: allow.includes('following'), followers: allow.includes('followers') },
    list: allow.find((rule): rule is { list: string } => typeof rule === 'object')?.list ?? '',
    allowQuotes: settings.quoteControl.allowQuotes,
    lateMode: settings.latePolicy.mode,
    graceMinutes: String(Math.round(settings.latePolicy.graceSeconds / 60)),
  };
}

function inputOf(form: Form): AccountSettingsInput {
  const allow = [...GROUPS.filter((group) => form.groups[group]), ...(form.list.trim() ? [{ list: form.list.trim() }] : [])];
  return {
    timeZone: form.timeZone,
    languages: form.languages
      .split(/[,、]/)
      .map((tag) => tag.trim())
      .filter(Boolean),
    replyControl: form.replyMode === 'limited' ? { mode: 'limited', allow } : { mode: form.replyMode },
    quoteControl: { allowQuotes: form.allowQuotes },
    latePolicy: form.lateMode === 'skip' ? { mode: 'skip', graceSeconds: Math.round(Number(form.graceMinutes) * 60) } : { mode: 'publish' },
  };
}

/** Problems by field (`timeZone`, `languages`, `replyControl`, `latePolicy`), in the interface language. */
function check(input: AccountSettingsInput): Record<string, string> {
  const parsed = accountSettingsSchema.safeParse(input);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    const code = zodIssueCode(issue);
    problems[field] ??= isMessageCode(code) ? renderCode(code, zodIssueParams(issue)) : issue.message;
  }
  return problems;
}

const zones = () => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [browserTimeZone(), 'UTC'];
  }
};

export default function SettingsScreen() {
  const m = messages.value;
  const t = m.settings;
  const [form, setForm] = useState<Form | undefined>();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const allZones = useMemo(zones, []);

  useEffect(() => {
    loadSettings()
      .then((answer) => setForm(formOf(answer)))
      .catch((error: unknown) => setFailure(`${t.loadFailed} ${describeError(error)}`));
  }, []);

  if (!form) {
    return <Page title={t.title}>{failure ? <ErrorAlert text={failure} /> : <Loading />}</Page>;
  }

  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const error = (field: string) =>
    problems[field] ? (
      <span id={`${field}-error`} class="field-error">
        {problems[field]}
      </span>
    ) : null;
  const invalid = (field: string) => (problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${field}-error` } : {});
  const saved = accountSettings.value?.updatedAt;

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const input = inputOf(form);
    const found = check(input);
    if (form.replyMode === 'limited' && !GROUPS.some((group) => form.groups[group]) && !form.list.trim()) found.replyControl = t.chooseOne;
    setProblems(found);
    if (Object.keys(found).length > 0) {
      document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      setForm(formOf(await saveSettings(input)));
      announce(t.saved);
    } catch (failed) {
      if (failed instanceof ApiError && failed.issues.length > 0) {
        setProblems(Object.fromEntries(failed.issues.map((issue) => [issue.path.split('.')[0]!, describeIssue(issue)])));
      }
      setFailure(describeError(failed));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t.title}>
      <p class="lead">{t.intro}</p>
      <form class="settings-form card" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for="settings-zone">{t.timeZone}</label>
          <select
            id="settings-zone"
            class="select"
            value={form.timeZone}
            onChange={(e) => set({ timeZone: e.currentTarget.value })}
            {...invalid('timeZone')}
          >
            {(allZones.includes(form.timeZone) ? allZones : [form.timeZone, ...allZones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <span class="hint">{t.timeZoneHint}</span>
          {error('timeZone')}
        </div>

        <div class="field">
          <label for="settings-languages">{t.languages}</label>
          <input
            id="settings-languages"
            class="input"
            value={form.languages}
            onInput={(e) => set({ languages: e.currentTarget.value })}
            placeholder="en, ja"
            autocomplete="off"
            spellcheck={false}
            {...invalid('languages')}
          />
          <span class="hint">{t.languagesHint}</span>
          {error('languages')}
        </div>

        <fieldset class="field" {...invalid('replyControl')}>
          <legend class="label">{t.replies}</legend>
          {(['everyone', 'nobody', 'limited'] as const).map((mode) => (
            <label class="checkbox" key={mode}>
              <input
                type="radio"
                name="reply-mode"
                value={mode}
                checked={form.replyMode === mode}
                onChange={() => set({ replyMode: mode })}
              />
              {t.replyModes[mode]}
            </label>
          ))}
          {form.replyMode === 'limited' ? (
            <div class="settings-groups">
              {GROUPS.map((group) => (
                <label class="checkbox" key={group}>
                  <input
                    type="checkbox"
                    checked={form.groups[group]}
                    onChange={(e) => set({ groups: { ...form.groups, [group]: e.currentTarget.checked } })}
                  />
                  {t.replyGroups[group]}
                </label>
              ))}
              <label for="settings-list" class="label">
                {t.listUri}
              </label>
              <input
                id="settings-list"
                class="input"
                value={form.list}
                onInput={(e) => set({ list: e.currentTarget.value })}
                placeholder="at://…"
              />
            </div>
          ) : null}
          {error('replyControl')}
        </fieldset>

        <label class="checkbox">
          <input type="checkbox" checked={form.allowQuotes} onChange={(e) => set({ allowQuotes: e.currentTarget.checked })} />
          {t.quotes}
        </label>

        <fieldset class="field">
          <legend class="label">{t.late}</legend>
          <label class="checkbox">
            <input
              type="radio"
              name="late-mode"
              value="skip"
              checked={form.lateMode === 'skip'}
              onChange={() => set({ lateMode: 'skip' })}
            />
            {t.lateSkip}
          </label>
          {form.lateMode === 'skip' ? (
            <div class="settings-grace">
              <input
                id="settings-grace"
                class="input"
                type="number"
                min={1}
                max={1440}
                inputMode="numeric"
                value={form.graceMinutes}
                onInput={(e) => set({ graceMinutes: e.currentTarget.value })}
                {...invalid('latePolicy')}
              />
              <label for="settings-grace">{t.graceMinutes}</label>
            </div>
          ) : null}
          <label class="checkbox">
            <input
              type="radio"
              name="late-mode"
              value="publish"
              checked={form.lateMode === 'publish'}
              onChange={() => set({ lateMode: 'publish' })}
            />
            {t.latePublish}
          </label>
          {error('latePolicy')}
        </fieldset>

        {failure ? <ErrorAlert text={failure} /> : null}
        <div class="settings-footer">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? <span class="spinner" aria-hidden="true" /> : null}
            {busy ? t.saving : t.save}
          </button>
          <span class="hint" data-testid="settings-saved">
            {saved ? t.lastSaved(formatDateTime(saved)) : t.neverSaved}
          </span>
        </div>
      </form>
    </Page>
  );
}
