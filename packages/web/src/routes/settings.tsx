import { accountSettingsSchema, type AccountSettingsInput, zodIssueCode, zodIssueParams } from '@chronopost/shared-schemas';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../api/describe';
import { describeIssue } from '../api/stored-messages';
import { ApiError } from '../api/errors';
import { type ComposerState, defaultLanguages, emptyState, options, withDefaults } from '../compose/model';
import { InteractionField, LanguagesField } from '../compose/options';
import { describeProblem } from '../compose/problems';
import { LatePolicyField } from '../compose/schedule';
import { browserTimeZone, timeZones } from '../compose/time';
import { formatDateTime } from '../i18n';
import { screenMessages } from '../i18n/screens';
import { accountSettings, loadSettings, saveSettings, type SettingsAnswer } from '../settings/store';
import '../styles/compose.css';
import '../styles/settings.css';
import { announce } from '../ui/announcer';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Page } from '../ui/page';

/**
 * The account's defaults, edited with the composer's own fields (the same words and controls the
 * user meets when writing a post), in a composer state of which only those fields are used.
 */
function stateOf({ settings, updatedAt }: SettingsAnswer): ComposerState {
  const empty = emptyState({
    langs: defaultLanguages(navigator.languages ?? [navigator.language]),
    // Never saved: the browser's zone is the better guess than the API's UTC.
    timeZone: updatedAt ? settings.timeZone : browserTimeZone(),
    date: '',
    time: '',
  });
  return updatedAt ? withDefaults(empty, settings) : empty;
}

const inputOf = (state: ComposerState): AccountSettingsInput => ({
  timeZone: state.timeZone,
  languages: state.langs,
  ...options(state),
  latePolicy: { mode: state.late.mode, graceSeconds: state.late.graceSeconds },
});

/** Problems by field (`timeZone`, `languages`, `replyControl`, `latePolicy`), in the interface language. */
function check(input: AccountSettingsInput): Record<string, string> {
  const parsed = accountSettingsSchema.safeParse(input);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    problems[field] ??= describeProblem({ path: field, code: zodIssueCode(issue), params: zodIssueParams(issue) });
  }
  return problems;
}

export default function SettingsScreen() {
  const t = screenMessages.value.settings;
  const [state, setState] = useState<ComposerState | undefined>();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => timeZones(state?.timeZone ?? browserTimeZone()), [state?.timeZone]);

  useEffect(() => {
    loadSettings()
      .then((answer) => setState(stateOf(answer)))
      .catch((error: unknown) => setFailure(`${t.loadFailed} ${describeError(error)}`));
  }, []);

  if (!state) return <Page title={t.title}>{failure ? <ErrorAlert text={failure} /> : <Loading />}</Page>;

  const update = (patch: Partial<ComposerState>) => setState({ ...state, ...patch });
  const problem = (field: string) =>
    problems[field] ? (
      <p id={`${field}-error`} class="field-error" role="alert">
        {problems[field]}
      </p>
    ) : null;
  const saved = accountSettings.value?.updatedAt;

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const input = inputOf(state);
    const found = check(input);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      setState(stateOf(await saveSettings(input)));
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
            value={state.timeZone}
            aria-describedby="settings-zone-hint"
            onChange={(event) => update({ timeZone: event.currentTarget.value })}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <span id="settings-zone-hint" class="hint">
            {t.timeZoneHint}
          </span>
          {problem('timeZone')}
        </div>
        <div>
          <LanguagesField state={state} onChange={update} />
          {problem('languages')}
        </div>
        <div>
          <InteractionField state={state} onChange={update} />
          {problem('replyControl')}
        </div>
        <div>
          <LatePolicyField state={state} onChange={update} />
          {problem('latePolicy')}
        </div>
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
