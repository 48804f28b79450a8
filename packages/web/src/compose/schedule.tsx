import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatRelative, locale, messages } from '../i18n';
import { Icon } from '../ui/icons';
import type { ComposerState } from './model';
import { quickChoices, readWallTime, type Temporal, timeZones } from './time';

/** A moment in a zone, with its offset, so a twice-occurring time says which one it is. */
export function formatInZone(epochMs: number, zone: string): string {
  return new Intl.DateTimeFormat(locale.value, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
    timeZoneName: 'shortOffset',
  }).format(epochMs);
}

const GRACE_CHOICES = [60, 300, 900, 1800, 3600, 10_800, 86_400];
function graceName(seconds: number): string {
  const [value, unit] =
    seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [seconds / 60, 'minute'];
  return new Intl.NumberFormat(locale.value, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** Ticks once a minute, so "in 5 minutes" and "already passed" stay true while the page is open. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export interface ScheduleFieldProps {
  state: ComposerState;
  /** Undefined while the polyfill loads (browsers without Temporal). */
  T: Temporal | undefined;
  onChange: (patch: Partial<ComposerState>) => void;
  /** What the API said about the time, when it refused it. */
  apiProblem?: string | undefined;
}

/**
 * The time in the user's zone (shown and changeable), quick choices, and what the wall time means
 * in that zone: a time the clocks skip or repeat is said in words before the API decides.
 */
export function ScheduleField(props: ScheduleFieldProps) {
  const m = messages.value.schedule;
  const { T } = props;
  if (!T)
    return (
      <fieldset class="option-group schedule">
        <legend>{m.heading}</legend>
        <div class="loading" role="status">
          <span class="spinner" aria-hidden="true" />
          <span>{messages.value.app.loading}</span>
        </div>
      </fieldset>
    );
  return <SchedulePicker {...props} T={T} />;
}

function SchedulePicker({ state, T, onChange, apiProblem }: ScheduleFieldProps & { T: Temporal }) {
  const m = messages.value.schedule;
  const now = useNow();
  const zones = useMemo(() => timeZones(state.timeZone), [state.timeZone]);
  const choices = useMemo(
    () => quickChoices(T, state.timeZone, T.Instant.fromEpochMilliseconds(now)),
    [T, state.timeZone, Math.floor(now / 60_000)],
  );
  const wall = state.date && state.time ? readWallTime(T, state.date, state.time, state.timeZone) : ({ kind: 'invalid' } as const);

  let summary: { tone: 'info' | 'warning'; text: string };
  if (wall.kind === 'ok') {
    summary =
      wall.epochMs <= now
        ? { tone: 'warning', text: m.past }
        : { tone: 'info', text: m.publishes(formatInZone(wall.epochMs, state.timeZone), formatRelative(wall.epochMs, now)) };
  } else if (wall.kind === 'skipped') summary = { tone: 'warning', text: m.skipped(state.timeZone, wall.before, wall.after) };
  else if (wall.kind === 'repeated')
    summary = { tone: 'info', text: m.repeated(state.timeZone, formatInZone(wall.first.epochMs, state.timeZone)) };
  else summary = { tone: 'warning', text: m.invalid };

  return (
    <fieldset class="option-group schedule">
      <legend>{m.heading}</legend>
      <div class="quick-choices" role="group" aria-label={m.quick}>
        {choices.map((choice) => {
          const selected = choice.date === state.date && choice.time === state.time;
          return (
            <button
              key={choice.key}
              type="button"
              class={selected ? 'button small chip-button selected' : 'button small chip-button'}
              aria-pressed={selected}
              onClick={() => onChange({ date: choice.date, time: choice.time })}
            >
              {m[choice.key]}
            </button>
          );
        })}
      </div>
      <div class="when-grid">
        <div class="field compact">
          <label for="schedule-date">{m.date}</label>
          <input
            id="schedule-date"
            class="input"
            type="date"
            value={state.date}
            onInput={(event) => onChange({ date: event.currentTarget.value })}
          />
        </div>
        <div class="field compact">
          <label for="schedule-time">{m.time}</label>
          <input
            id="schedule-time"
            class="input"
            type="time"
            step={1}
            value={state.time}
            onInput={(event) => onChange({ time: event.currentTarget.value })}
          />
        </div>
        <div class="field compact zone">
          <label for="schedule-zone">{m.zone}</label>
          <select
            id="schedule-zone"
            class="select"
            value={state.timeZone}
            onChange={(event) => onChange({ timeZone: event.currentTarget.value })}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p class={`when-summary ${summary.tone}`} data-testid="when-summary" aria-live="polite">
        <Icon name={summary.tone === 'warning' ? 'alert' : 'clock'} size={18} />
        <span>{summary.text}</span>
      </p>
      {apiProblem ? (
        <p class="field-error" role="alert" data-testid="schedule-error">
          {apiProblem}
        </p>
      ) : null}
    </fieldset>
  );
}

export function LatePolicyField({ state, onChange }: { state: ComposerState; onChange: (patch: Partial<ComposerState>) => void }) {
  const m = messages.value.late;
  const setLate = (patch: Partial<ComposerState['late']>) => onChange({ late: { ...state.late, ...patch } });
  const choices = GRACE_CHOICES.includes(state.late.graceSeconds)
    ? GRACE_CHOICES
    : [...GRACE_CHOICES, state.late.graceSeconds].sort((a, b) => a - b);
  return (
    <fieldset class="option-group">
      <legend>{m.heading}</legend>
      <p class="hint">{m.hint}</p>
      <label class="radio">
        <input type="radio" name="late-policy" checked={state.late.mode === 'skip'} onChange={() => setLate({ mode: 'skip' })} />
        <span>
          {m.skip}{' '}
          <select
            class="select inline"
            aria-label={m.grace}
            value={String(state.late.graceSeconds)}
            onChange={(event) => setLate({ mode: 'skip', graceSeconds: Number(event.currentTarget.value) })}
          >
            {choices.map((seconds) => (
              <option key={seconds} value={String(seconds)}>
                {graceName(seconds)}
              </option>
            ))}
          </select>{' '}
          {m.skipAfter}
        </span>
      </label>
      <label class="radio">
        <input type="radio" name="late-policy" checked={state.late.mode === 'publish'} onChange={() => setLate({ mode: 'publish' })} />
        <span>{m.publish}</span>
      </label>
    </fieldset>
  );
}
