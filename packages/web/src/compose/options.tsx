import { MAX_POST_LANGUAGES, type SelfLabel } from '@chronopost/shared-schemas';
import { locale, messages } from '../i18n';
import { Icon } from '../ui/icons';
import type { ComposerState, ReplyMode } from './model';

/** Languages people post in most, offered first; any other can be typed as a tag. */
export const COMMON_LANGUAGES = [
  'ja',
  'en',
  'es',
  'pt',
  'de',
  'fr',
  'ko',
  'zh',
  'it',
  'nl',
  'pl',
  'ru',
  'tr',
  'uk',
  'id',
  'th',
  'vi',
  'ar',
  'fa',
  'hi',
  'sv',
  'fi',
  'ca',
  'eu',
  'gl',
];

export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([locale.value], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

type Change = (patch: Partial<ComposerState>) => void;

export function LanguagesField({ state, onChange }: { state: ComposerState; onChange: Change }) {
  const m = messages.value.languages;
  const available = COMMON_LANGUAGES.filter((tag) => !state.langs.includes(tag)).sort((a, b) =>
    languageName(a).localeCompare(languageName(b), locale.value),
  );
  const full = state.langs.length >= MAX_POST_LANGUAGES;
  return (
    <fieldset class="option-group">
      <legend>{m.label}</legend>
      <p class="hint" id="languages-hint">
        {m.hint}
      </p>
      <ul class="chips" aria-label={m.label}>
        {state.langs.length === 0 ? <li class="hint">{m.none}</li> : null}
        {state.langs.map((tag) => (
          <li key={tag} class="chip" lang={tag}>
            <span>{languageName(tag)}</span>
            <button
              type="button"
              class="chip-remove"
              aria-label={m.remove(languageName(tag))}
              onClick={() => onChange({ langs: state.langs.filter((other) => other !== tag) })}
            >
              <Icon name="x" size={14} />
            </button>
          </li>
        ))}
      </ul>
      {full ? null : (
        <select
          class="select"
          aria-label={m.add}
          aria-describedby="languages-hint"
          value=""
          onChange={(event) => {
            const tag = event.currentTarget.value;
            if (tag) onChange({ langs: [...state.langs, tag] });
          }}
        >
          <option value="">{m.add}</option>
          {available.map((tag) => (
            <option key={tag} value={tag}>
              {languageName(tag)}
            </option>
          ))}
        </select>
      )}
    </fieldset>
  );
}

const ADULT: readonly SelfLabel[] = ['sexual', 'nudity', 'porn'];

export function LabelsField({ state, onChange }: { state: ComposerState; onChange: Change }) {
  const m = messages.value.labels;
  const adult = state.labels.find((label) => ADULT.includes(label)) ?? '';
  const graphic = state.labels.includes('graphic-media');
  const set = (nextAdult: string, nextGraphic: boolean) =>
    onChange({ labels: [...(nextAdult ? [nextAdult as SelfLabel] : []), ...(nextGraphic ? (['graphic-media'] as const) : [])] });
  return (
    <fieldset class="option-group">
      <legend>{m.label}</legend>
      <p class="hint" id="labels-hint">
        {m.hint}
      </p>
      <div class="field compact">
        <label for="adult-label">{m.adult}</label>
        <select id="adult-label" class="select" value={adult} onChange={(event) => set(event.currentTarget.value, graphic)}>
          <option value="">{m.none}</option>
          <option value="sexual">{m.sexual}</option>
          <option value="nudity">{m.nudity}</option>
          <option value="porn">{m.porn}</option>
        </select>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={graphic} onChange={(event) => set(adult, event.currentTarget.checked)} />
        <span>{m.graphicMedia}</span>
      </label>
    </fieldset>
  );
}

export function InteractionField({ state, onChange }: { state: ComposerState; onChange: Change }) {
  const m = messages.value.replies;
  const { reply } = state;
  const setReply = (patch: Partial<ComposerState['reply']>) => onChange({ reply: { ...reply, ...patch } });
  const noneChosen = reply.mode === 'limited' && !reply.mentioned && !reply.following && !reply.followers && reply.list.trim() === '';
  return (
    <fieldset class="option-group">
      <legend>{m.label}</legend>
      <div class="segmented" role="radiogroup" aria-label={m.label}>
        {(['everyone', 'limited', 'nobody'] as ReplyMode[]).map((mode) => (
          <label key={mode} class="segment">
            <input type="radio" name="reply-mode" value={mode} checked={reply.mode === mode} onChange={() => setReply({ mode })} />
            <span>{m[mode]}</span>
          </label>
        ))}
      </div>
      {reply.mode === 'limited' ? (
        <div class="limited">
          {(['mentioned', 'following', 'followers'] as const).map((group) => (
            <label key={group} class="checkbox">
              <input type="checkbox" checked={reply[group]} onChange={(event) => setReply({ [group]: event.currentTarget.checked })} />
              <span>{m[group]}</span>
            </label>
          ))}
          <div class="field compact">
            <label for="reply-list">{m.list}</label>
            <input
              id="reply-list"
              class="input"
              type="text"
              spellcheck={false}
              placeholder="at://did:plc:…/app.bsky.graph.list/…"
              aria-describedby="reply-list-hint"
              value={reply.list}
              onInput={(event) => setReply({ list: event.currentTarget.value })}
            />
            <span id="reply-list-hint" class="hint">
              {m.listHint}
            </span>
          </div>
          {noneChosen ? (
            <p class="field-error" role="alert">
              {m.chooseOne}
            </p>
          ) : null}
        </div>
      ) : null}
      <label class="checkbox">
        <input
          type="checkbox"
          checked={state.allowQuotes}
          aria-describedby="quotes-hint"
          onChange={(event) => onChange({ allowQuotes: event.currentTarget.checked })}
        />
        <span>
          {m.quotes}
          <span id="quotes-hint" class="hint block">
            {m.quotesHint}
          </span>
        </span>
      </label>
    </fieldset>
  );
}
