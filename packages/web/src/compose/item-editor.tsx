import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { IMAGE_TYPES, MAX_IMAGES_PER_POST, POST_TEXT_MAX_GRAPHEMES, VIDEO_TYPES } from '@chronopost/shared-schemas';
import { me } from '../auth/session';
import { locale, messages } from '../i18n';
import { Icon, type IconName } from '../ui/icons';
import { FileButton } from './file-button';
import { findFacets, segments } from './facets';
import { graphemes, type ItemDraft, type Problem } from './model';
import { validation } from './validator';
import { describeProblem } from './problems';
import { splitIntoPosts } from './split';

/** Where the text passes the limit (UTF-16 index of the first grapheme too many), if it does. */
function overflowIndex(text: string): number | undefined {
  let count = 0;
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (count++ === POST_TEXT_MAX_GRAPHEMES) return index;
  }
  return undefined;
}

/** The highlight layer's content: facets coloured, and what is past the limit marked. */
function Highlights({ text }: { text: string }) {
  const cut = overflowIndex(text);
  const parts: Array<{ text: string; className?: string }> = [];
  let at = 0;
  for (const segment of segments(text, findFacets(text))) {
    const start = at;
    at += segment.text.length;
    const className = segment.facet ? `facet facet-${segment.facet.type}` : undefined;
    if (cut === undefined || at <= cut) parts.push({ text: segment.text, ...(className ? { className } : {}) });
    else if (start >= cut) parts.push({ text: segment.text, className: 'overflow' });
    else {
      parts.push({ text: segment.text.slice(0, cut - start), ...(className ? { className } : {}) });
      parts.push({ text: segment.text.slice(cut - start), className: 'overflow' });
    }
  }
  return (
    <>
      {parts.map((part, index) =>
        part.className ? (
          <mark key={index} class={part.className}>
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

const BSKY_POST_LINK = /https:\/\/bsky\.app\/profile\/[^\s/]+\/post\/[A-Za-z0-9]+\/?/;

/** The ring Bluesky's composer draws: how much of the 300 characters is used. */
function Counter({ count, id }: { count: number; id: string }) {
  const m = messages.value.compose;
  const left = POST_TEXT_MAX_GRAPHEMES - count;
  const ratio = Math.min(count / POST_TEXT_MAX_GRAPHEMES, 1);
  const radius = 9;
  const circumference = 2 * Math.PI * radius;
  const state = left < 0 ? 'over' : left <= 20 ? 'near' : 'ok';
  return (
    <div class={`counter ${state}`} data-testid="counter">
      <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r={radius} class="counter-track" />
        <circle
          cx="12"
          cy="12"
          r={radius}
          class="counter-fill"
          stroke-dasharray={`${circumference}`}
          stroke-dashoffset={`${circumference * (1 - ratio)}`}
        />
      </svg>
      <span class="counter-number" aria-hidden="true">
        {left}
      </span>
      <span id={id} class="visually-hidden">
        {left >= 0 ? m.remaining(left) : m.over(-left)}
      </span>
    </div>
  );
}

/** The author's picture, as in Bluesky's composer: the thread reads as one voice. */
function ItemAvatar() {
  const account = me.value?.account;
  const initial = (account?.displayName || account?.handle || '?').slice(0, 1).toUpperCase();
  return account?.avatarUrl ? (
    <img class="item-avatar" src={account.avatarUrl} alt="" width={36} height={36} />
  ) : (
    <span class="item-avatar">{initial}</span>
  );
}

/** A post's move and remove buttons: an icon, named for screen readers. */
function ToolButton(props: { icon: IconName; label: string; disabled: boolean; onClick: () => void }) {
  return (
    <button type="button" class="button ghost icon small" onClick={props.onClick} disabled={props.disabled} aria-label={props.label}>
      <Icon name={props.icon} size={18} />
    </button>
  );
}

export interface ItemEditorProps {
  item: ItemDraft;
  index: number;
  count: number;
  problems: Problem[];
  /** Mentions whose handles the user's PDS does not know. */
  unresolved: string[];
  onChange: (patch: Partial<ItemDraft>) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
  onSplit: (parts: string[]) => void;
  /** Image or video files picked, pasted or dropped on this post. */
  onFiles: (files: File[]) => void;
  /** The post's images or video, and its link card. */
  children?: ComponentChildren;
}

/**
 * One post of the thread: a textarea over a layer that draws the same text with links, mentions
 * and hashtags coloured as Bluesky will make them (the textarea's own text is transparent; the
 * layer is hidden from assistive technology and in forced-colours mode).
 */
export function ItemEditor(props: ItemEditorProps) {
  const { item, index, count } = props;
  const m = messages.value;
  const number = index + 1;
  const length = graphemes(item.text);
  const split = useMemo(
    () => (length > POST_TEXT_MAX_GRAPHEMES ? splitIntoPosts(item.text, locale.value) : undefined),
    [item.text, length > POST_TEXT_MAX_GRAPHEMES],
  );
  const link = BSKY_POST_LINK.exec(item.text)?.[0];
  const offerQuote = link !== undefined && item.quote === undefined && validation.value?.quoteUri(link) !== undefined;
  const textProblems = props.problems.filter((problem) => problem.path === 'text' || problem.path === '');
  const quoteProblems = props.problems.filter((problem) => problem.path.startsWith('embed'));
  const ids = {
    counter: `${item.key}-counter`,
    problems: `${item.key}-problems`,
    quote: `${item.key}-quote`,
  };
  // A post has up to four images or one video (as on Bluesky).
  const room = item.video ? 0 : MAX_IMAGES_PER_POST - item.images.length;
  const videoRoom = !item.video && item.images.length === 0;

  return (
    <li class="item-editor" data-testid="thread-item">
      <div class="item-gutter" aria-hidden="true">
        <ItemAvatar />
        {index < count - 1 ? <span class="item-line" /> : null}
      </div>
      <div class="item-content">
        <div class="item-head">
          <span class="item-number">{m.compose.postOf(number, count)}</span>
          <div class="item-tools">
            <ToolButton icon="up" label={m.compose.moveUp(number)} disabled={index === 0} onClick={() => props.onMove(-1)} />
            <ToolButton icon="down" label={m.compose.moveDown(number)} disabled={index === count - 1} onClick={() => props.onMove(1)} />
            <ToolButton icon="trash" label={m.compose.removePost(number)} disabled={count === 1} onClick={props.onRemove} />
          </div>
        </div>
        <div
          class="editor-field"
          onDragOver={(event) => {
            if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
          }}
          onDrop={(event) => {
            const dropped = [...(event.dataTransfer?.files ?? [])];
            if (dropped.length === 0) return;
            event.preventDefault();
            props.onFiles(dropped);
          }}
          onPaste={(event) => {
            const pasted = [...(event.clipboardData?.files ?? [])];
            if (pasted.length === 0) return;
            event.preventDefault();
            props.onFiles(pasted);
          }}
        >
          <div class="editor-highlights" aria-hidden="true">
            <Highlights text={item.text} />
            {/* A final newline needs something after it to take its line. */}
            {'\u200b'}
          </div>
          <textarea
            class="editor-textarea"
            rows={3}
            value={item.text}
            lang={undefined}
            placeholder={index === 0 ? m.compose.placeholderFirst : m.compose.placeholderNext}
            aria-label={m.compose.textLabel(number)}
            aria-describedby={`${ids.counter}${textProblems.length ? ` ${ids.problems}` : ''}`}
            aria-invalid={textProblems.length ? 'true' : undefined}
            onInput={(event) => props.onChange({ text: event.currentTarget.value })}
            data-testid="item-text"
          />
        </div>
        {props.children}
        <div class="item-foot">
          <div class="item-actions">
            <FileButton
              icon="image"
              label={m.attachments.add}
              title={m.attachments.addHint}
              accept={IMAGE_TYPES.join(',')}
              multiple
              disabled={room <= 0}
              onFiles={props.onFiles}
            />
            <FileButton
              icon="video"
              label={m.video.add}
              title={m.video.addHint}
              accept={VIDEO_TYPES.join(',')}
              disabled={!videoRoom}
              onFiles={props.onFiles}
            />
            {item.quote === undefined ? (
              <button
                type="button"
                class="button ghost small"
                onClick={() => {
                  props.onChange({ quote: '' });
                  requestAnimationFrame(() => document.getElementById(ids.quote)?.focus());
                }}
              >
                <Icon name="quote" size={18} />
                {m.compose.quoteAdd}
              </button>
            ) : null}
          </div>
          <Counter count={length} id={ids.counter} />
        </div>
        {item.quote !== undefined ? (
          <div class="field quote-field">
            <label for={ids.quote}>{m.compose.quoteLabel(number)}</label>
            <div class="input-row">
              <input
                id={ids.quote}
                class="input"
                type="url"
                inputMode="url"
                value={item.quote}
                placeholder="https://bsky.app/profile/…/post/…"
                aria-describedby={`${ids.quote}-hint`}
                aria-invalid={quoteProblems.length ? 'true' : undefined}
                onInput={(event) => props.onChange({ quote: event.currentTarget.value })}
              />
              <button
                type="button"
                class="button ghost icon"
                aria-label={m.compose.quoteRemove}
                onClick={() => props.onChange({ quote: undefined })}
              >
                <Icon name="x" size={18} />
              </button>
            </div>
            <span id={`${ids.quote}-hint`} class="hint">
              {m.compose.quoteHint}
            </span>
          </div>
        ) : null}
        {offerQuote ? (
          <div class="offer">
            <Icon name="quote" size={18} />
            <span>{m.compose.quoteOffer}</span>
            <button
              type="button"
              class="button small"
              onClick={() =>
                props.onChange({
                  quote: link,
                  text: item.text
                    .replace(link, '')
                    .replace(/[ \t]+\n/g, '\n')
                    .trim(),
                })
              }
            >
              {m.compose.quoteOfferButton}
            </button>
          </div>
        ) : null}
        {split && split.length > 1 ? (
          <div class="offer" data-testid="split-offer">
            <Icon name="split" size={18} />
            <span>{m.compose.splitOffer(split.length)}</span>
            <button type="button" class="button small" onClick={() => props.onSplit(split)}>
              {m.compose.splitButton}
            </button>
          </div>
        ) : null}
        {textProblems.length || quoteProblems.length || props.unresolved.length ? (
          // The live region wraps the list: role="alert" on the <ul> itself would take away its list role.
          <div id={ids.problems} role="alert">
            <ul class="item-problems">
              {[...textProblems, ...quoteProblems].map((problem) => (
                <li key={problem.code} class="field-error">
                  {describeProblem(problem)}
                </li>
              ))}
              {props.unresolved.map((handle) => (
                <li key={handle} class="field-warning">
                  <Icon name="alert" size={16} />
                  {m.compose.mentionNotFound(handle)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </li>
  );
}
