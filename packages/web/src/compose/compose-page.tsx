import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { EDITABLE_STATUSES, type Post, type PostStatus } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { describeError } from '../api/describe';
import { ApiError } from '../api/errors';
import { auth, me } from '../auth/session';
import { messages } from '../i18n';
import { accountSettings, loadSettings, timeZone } from '../settings/store';
import { announce } from '../ui/announcer';
import { Icon } from '../ui/icons';
import { Page } from '../ui/page';
import '../styles/compose.css';
import { Attachments } from './attachments';
import { useAttachments } from './use-attachments';
import { findFacets } from './facets';
import { ItemEditor } from './item-editor';
import { resolveHandle, type Resolution } from './mentions';
import {
  type ComposerState,
  defaultLanguages,
  emptyState,
  fromPost,
  imageProblems,
  type ItemDraft,
  newItem,
  type Problem,
  requestBody,
  withDefaults,
} from './model';
import { InteractionField, LabelsField, LanguagesField } from './options';
import { Preview } from './preview';
import { describeProblem } from './problems';
import { formatInZone, LatePolicyField, ScheduleField } from './schedule';
import { browserTimeZone, loadTemporal, quickChoices, readWallTime, type Temporal } from './time';
import { loadValidation, validation } from './validator';

type SavedPost = Post & { warnings?: Array<{ path: string; code: string; params?: Record<string, unknown>; message: string }> };
type Outcome = { kind: 'scheduled' | 'drafted'; post: SavedPost };

const storageKey = () => (auth.value.status === 'signed-in' ? `chronopost.compose.${auth.value.did}` : undefined);

/** The unsent new post, kept in this browser so a reload or a closed tab loses nothing. */
function loadUnsent(): ComposerState | undefined {
  const key = storageKey();
  try {
    const raw = key ? localStorage.getItem(key) : null;
    const state = raw ? (JSON.parse(raw) as ComposerState) : undefined;
    return state && Array.isArray(state.items) && state.items.some((item) => item.text.trim() !== '') ? state : undefined;
  } catch {
    return undefined;
  }
}
function keepUnsent(state: ComposerState | undefined) {
  const key = storageKey();
  try {
    if (key && state) localStorage.setItem(key, JSON.stringify(state));
    else if (key) localStorage.removeItem(key);
  } catch {
    // storage full or disabled: nothing kept, nothing lost on this page
  }
}

/**
 * A new post: the account's defaults (settings) once it saved any, the browser's language and zone
 * until then. Its time (in an hour) is filled in once Temporal is there: where the browser lacks
 * it, the polyfill loads while the user already writes.
 */
function freshState(T: Temporal | undefined): ComposerState {
  const zone = timeZone.value;
  const [inAnHour] = T ? quickChoices(T, zone) : [];
  const saved = accountSettings.value;
  return withDefaults(
    emptyState({
      langs: defaultLanguages(navigator.languages ?? [navigator.language]),
      timeZone: zone,
      date: inAnHour?.date ?? '',
      time: inAnHour?.time ?? '',
    }),
    saved?.updatedAt ? saved.settings : undefined,
  );
}

/** The wall time a saved post was scheduled for, in its own zone (or the browser's). */
function wallOf(T: Temporal, post: Post) {
  const zone = post.timeZone ?? browserTimeZone();
  if (!post.scheduledAt) {
    const [inAnHour] = quickChoices(T, zone);
    return { date: inAnHour!.date, time: inAnHour!.time, timeZone: zone };
  }
  const local = T.Instant.from(post.scheduledAt).toZonedDateTimeISO(zone);
  return { date: local.toPlainDate().toString(), time: local.toPlainTime().toString({ smallestUnit: 'minute' }), timeZone: zone };
}

/** Mentions the user's PDS does not know, per item (asked as the user types, answers cached). */
function useUnresolvedMentions(items: ItemDraft[]): Record<string, string[]> {
  const pdsUrl = me.value?.account.pdsUrl;
  const [answers, setAnswers] = useState<Record<string, Resolution>>({});
  const handles = useMemo(
    () => [
      ...new Set(
        items.flatMap((item) =>
          findFacets(item.text)
            .filter((facet) => facet.type === 'mention')
            .map((facet) => facet.value.toLowerCase()),
        ),
      ),
    ],
    [items],
  );
  useEffect(() => {
    if (!pdsUrl) return;
    const timer = setTimeout(() => {
      for (const handle of handles) {
        if (answers[handle] && answers[handle] !== 'unknown') continue;
        void resolveHandle(pdsUrl, handle).then((result) => setAnswers((previous) => ({ ...previous, [handle]: result })));
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [pdsUrl, handles.join(' ')]);
  return Object.fromEntries(
    items.map((item) => [
      item.key,
      findFacets(item.text)
        .filter((facet) => facet.type === 'mention' && answers[facet.value.toLowerCase()] === 'not_found')
        .map((facet) => facet.value),
    ]),
  );
}

export default function ComposePage() {
  const m = messages.value;
  const { params } = useRoute();
  const { route, query } = useLocation();
  const editing = params.id;
  const duplicate = query.duplicate;
  const [T, setT] = useState<Temporal | undefined>();
  const [state, setState] = useState<ComposerState | undefined>();
  const [version, setVersion] = useState<number | undefined>();
  const [loadProblem, setLoadProblem] = useState<string | undefined>();
  const [restored, setRestored] = useState(false);
  const [busy, setBusy] = useState<'schedule' | 'draft' | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [showProblems, setShowProblems] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    void loadTemporal().then((loaded) => setT(() => loaded));
    // The API's rules, for the problems shown while typing (see ./validator).
    void loadValidation();
    // The account's defaults (a failure to load them leaves the browser's).
    void loadSettings().catch(() => undefined);
  }, []);

  // The starting state: the post being edited (its wall time needs Temporal), the unsent one kept
  // from last time, or a fresh one (both at once).
  useEffect(() => {
    if (editing && !T) return;
    setOutcome(undefined);
    setFailure(undefined);
    setServerProblems([]);
    if (!editing && duplicate) {
      // A copy of a post as a new one: its text and options, a fresh time.
      setState(undefined);
      setVersion(undefined);
      api<Post>(`/posts/${encodeURIComponent(duplicate)}`)
        .then(({ data }) => {
          const fresh = freshState(T);
          setState(fromPost(data, { date: fresh.date, time: fresh.time, timeZone: fresh.timeZone }));
        })
        .catch((error: unknown) =>
          setLoadProblem(error instanceof ApiError && error.status === 404 ? describeError(error) : m.compose.loadFailed),
        );
      return;
    }
    if (!editing) {
      const unsent = loadUnsent();
      setRestored(unsent !== undefined);
      setState(unsent ?? freshState(T));
      setVersion(undefined);
      return;
    }
    if (!T) return;
    setState(undefined);
    api<Post>(`/posts/${encodeURIComponent(editing)}`)
      .then(({ data }) => {
        if (!(EDITABLE_STATUSES as readonly PostStatus[]).includes(data.status)) {
          setLoadProblem(m.compose.notEditable(m.statuses[data.status]));
          return;
        }
        setVersion(data.version);
        setState(fromPost(data, wallOf(T, data)));
      })
      .catch((error: unknown) =>
        setLoadProblem(error instanceof ApiError && error.status === 404 ? describeError(error) : m.compose.loadFailed),
      );
  }, [editing, duplicate, editing ? T : undefined]);

  // A new post's time, once Temporal has loaded.
  useEffect(() => {
    if (T && state && state.date === '' && state.time === '') {
      const [inAnHour] = quickChoices(T, state.timeZone);
      setState((previous) => (previous && previous.date === '' ? { ...previous, date: inAnHour!.date, time: inAnHour!.time } : previous));
    }
  }, [T, state?.date, state?.time]);

  // The account's defaults may arrive after a fresh post appeared: they apply while it is still blank.
  useEffect(() => {
    const saved = accountSettings.value;
    if (editing || duplicate || !saved?.updatedAt) return;
    const defaults = saved.settings;
    setState((previous) => {
      if (!previous?.items.every((item) => item.text.trim() === '' && item.images.length === 0)) return previous;
      const next = withDefaults(previous, defaults);
      // Another zone: the time is picked again in it (in an hour, once Temporal is there).
      return previous.timeZone === defaults.timeZone ? next : { ...next, timeZone: defaults.timeZone, date: '', time: '' };
    });
  }, [accountSettings.value, editing, duplicate]);

  useEffect(() => {
    if (state && !editing && !outcome) {
      const timer = setTimeout(() => keepUnsent(state), 300);
      return () => clearTimeout(timer);
    }
  }, [state, editing, outcome]);

  const unresolved = useUnresolvedMentions(state?.items ?? []);
  const attachments = useAttachments(state, setState);
  const [refusedFiles, setRefusedFiles] = useState<string[]>([]);

  if (loadProblem) {
    return (
      <Page title={m.compose.editTitle}>
        <div class="alert error" role="alert">
          <Icon name="alert" />
          <p>{loadProblem}</p>
        </div>
      </Page>
    );
  }
  if (!state) {
    return (
      <div class="loading" role="status">
        <span class="spinner" aria-hidden="true" />
        <span>{m.app.loading}</span>
      </div>
    );
  }

  const update = (patch: Partial<ComposerState>) => {
    setState((previous) => (previous ? { ...previous, ...patch } : previous));
    setServerProblems([]);
  };
  const updateItem = (key: string, patch: Partial<ItemDraft>) =>
    update({ items: state.items.map((item) => (item.key === key ? { ...item, ...patch } : item)) });
  const moveItem = (index: number, by: -1 | 1) => {
    const items = [...state.items];
    const [moved] = items.splice(index, 1);
    items.splice(index + by, 0, moved!);
    update({ items });
    requestAnimationFrame(() => document.querySelectorAll<HTMLTextAreaElement>('.editor-textarea')[index + by]?.focus());
  };
  const removeItem = (index: number) => {
    update({ items: state.items.filter((_, position) => position !== index) });
    requestAnimationFrame(() => document.querySelectorAll<HTMLTextAreaElement>('.editor-textarea')[Math.max(0, index - 1)]?.focus());
  };
  const splitItem = (index: number, parts: string[]) => {
    const items = [...state.items];
    const original = items[index]!;
    items.splice(index, 1, { ...original, text: parts[0]! }, ...parts.slice(1).map((text) => newItem(text)));
    update({ items });
  };
  const addItem = () => {
    update({ items: [...state.items, newItem()] });
    requestAnimationFrame(() => {
      const areas = document.querySelectorAll<HTMLTextAreaElement>('.editor-textarea');
      areas[areas.length - 1]?.focus();
    });
  };

  // Until the rules have loaded (the first moments, before anything is typed) only images can have problems.
  const checks = validation.value;
  const perItem = state.items.map((item) => (checks ? checks.itemProblems(item, state) : imageProblems(item)));
  const serverFor = (index: number) =>
    serverProblems
      .filter((problem) => problem.path.startsWith(`items.${index}.`))
      .map((problem) => ({ ...problem, path: problem.path.replace(`items.${index}.`, '') }));
  // Text rules are the same everywhere and block here; whether a time is acceptable depends on the
  // server's clock and limits, so the API decides it (the picker already says what it will mean).
  const blocking = (checks?.problems(state, true) ?? []).filter((problem) => !problem.path.startsWith('scheduledAt'));
  const scheduleProblem = serverProblems.find((problem) => problem.path === 'scheduledAt');
  const otherServerProblems = serverProblems.filter((problem) => problem.path !== 'scheduledAt' && !problem.path.startsWith('items.'));
  const wall = T ? readWallTime(T, state.date, state.time, state.timeZone) : undefined;

  const submit = async (schedule: boolean) => {
    setFailure(undefined);
    setServerProblems([]);
    const local = (await loadValidation()).problems(state, schedule).filter((problem) => !problem.path.startsWith('scheduledAt'));
    if (local.length > 0) {
      setShowProblems(true);
      const first = local[0]!.path.match(/^items\.(\d+)\./);
      if (first) document.querySelectorAll<HTMLTextAreaElement>('.editor-textarea')[Number(first[1])]?.focus();
      return;
    }
    setBusy(schedule ? 'schedule' : 'draft');
    try {
      const body = requestBody(state, schedule);
      const { data } = editing
        ? await api<SavedPost>(`/posts/${encodeURIComponent(editing)}`, { method: 'PATCH', body, headers: { 'if-match': `"${version}"` } })
        : await api<SavedPost>('/posts', { method: 'POST', body });
      const result: Outcome = { kind: schedule ? 'scheduled' : 'drafted', post: data };
      setOutcome(result);
      setVersion(data.version);
      if (!editing) keepUnsent(undefined);
      announce(
        schedule && data.scheduledAt
          ? m.result.scheduled(formatInZone(Date.parse(data.scheduledAt), data.timeZone ?? state.timeZone))
          : m.result.drafted,
      );
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        setServerProblems(
          error.issues.map((issue) => ({ path: issue.path, code: issue.code, params: { ...issue.params, message: issue.message } })),
        );
      } else {
        setFailure(describeError(error));
      }
    } finally {
      setBusy(undefined);
    }
  };

  const startOver = () => {
    keepUnsent(undefined);
    setRestored(false);
    setOutcome(undefined);
    setShowProblems(false);
    if (editing) route('/compose');
    else setState(freshState(T));
  };

  if (outcome) {
    const { post } = outcome;
    const zone = post.timeZone ?? state.timeZone;
    const when = post.scheduledAt ? formatInZone(Date.parse(post.scheduledAt), zone) : undefined;
    // What the API made of a wall time the clocks show twice: said in words, not only by its offset.
    const local = post.scheduledAt && T ? T.Instant.from(post.scheduledAt).toZonedDateTimeISO(zone) : undefined;
    const reading = local && T ? readWallTime(T, local.toPlainDate().toString(), local.toPlainTime().toString(), zone) : undefined;
    const twice = reading?.kind === 'repeated' ? (reading.first.epochMs === Date.parse(post.scheduledAt!) ? 'first' : 'second') : undefined;
    return (
      <Page title={editing ? m.compose.editTitle : m.compose.newTitle}>
        <div class="card result" data-testid="compose-result">
          <div class="alert success">
            <Icon name="check" />
            <div>
              <p>{outcome.kind === 'scheduled' && when ? m.result.scheduled(when) : m.result.drafted}</p>
              {twice ? <p data-testid="result-occurrence">{m.result.occurrence(zone, twice)}</p> : null}
            </div>
          </div>
          {post.warnings?.length ? (
            <div class="alert warning">
              <Icon name="alert" />
              <div>
                <p>{m.result.warnings}</p>
                <ul>
                  {post.warnings.map((warning) => (
                    <li key={`${warning.path}-${warning.code}`}>
                      {describeProblem({ path: warning.path, code: warning.code, params: { ...warning.params, message: warning.message } })}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          ) : null}
          <div class="result-actions">
            <a class="button" href={`/posts/${post.id}`}>
              {m.result.view}
            </a>
            <button type="button" class="button primary" onClick={startOver}>
              <Icon name="compose" />
              {m.result.another}
            </button>
          </div>
        </div>
      </Page>
    );
  }

  return (
    <Page title={editing ? m.compose.editTitle : m.compose.newTitle} wide>
      {restored ? (
        <div class="alert info">
          <Icon name="info" />
          <p>{m.compose.restored}</p>
          <button type="button" class="button small" onClick={startOver}>
            {m.compose.startOver}
          </button>
        </div>
      ) : null}
      <form
        ref={form}
        class="compose"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void submit(true);
          }
        }}
      >
        <div class="compose-main">
          <section class="card compose-editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading" class="visually-hidden">
              {m.compose.editorHeading}
            </h2>
            <ol class="thread-editor">
              {state.items.map((item, index) => (
                <ItemEditor
                  key={item.key}
                  item={item}
                  index={index}
                  count={state.items.length}
                  problems={[
                    ...(showProblems || item.text !== ''
                      ? perItem[index]!.filter((problem) => problem.code !== 'empty' || showProblems)
                      : []),
                    ...serverFor(index),
                  ]}
                  unresolved={unresolved[item.key] ?? []}
                  onChange={(patch) => updateItem(item.key, patch)}
                  onRemove={() => removeItem(index)}
                  onMove={(by) => moveItem(index, by)}
                  onSplit={(parts) => splitItem(index, parts)}
                  onFiles={(files) => setRefusedFiles(attachments.addFiles(item.key, files).refused)}
                >
                  <Attachments
                    item={item}
                    number={index + 1}
                    onAlt={(imageKey, alt) => attachments.setAlt(item.key, imageKey, alt)}
                    onRemoveImage={(image) => attachments.removeImage(item.key, image)}
                    onRemoveLink={() => attachments.removeLink(item.key)}
                    onVideoAlt={(video, alt) => attachments.setVideoAlt(item.key, video.key, alt)}
                    onRemoveVideo={(video) => attachments.removeVideo(item.key, video)}
                    onAddCaptions={(video, lang, file) => attachments.addCaptions(item.key, video, lang, file)}
                    onRemoveCaptions={(video, lang) => attachments.removeCaptions(item.key, video, lang)}
                    postLangs={state.langs}
                  />
                </ItemEditor>
              ))}
            </ol>
            {refusedFiles.length ? (
              <p class="field-error" role="alert">
                {m.attachments.refused(refusedFiles.join(', '))}
              </p>
            ) : null}
            <button type="button" class="button ghost add-post" onClick={addItem}>
              <Icon name="plus" />
              {m.compose.addPost}
            </button>
          </section>

          <section class="card compose-options">
            <LanguagesField state={state} onChange={update} />
            <LabelsField state={state} onChange={update} />
            <InteractionField state={state} onChange={update} />
          </section>

          <section class="card compose-when">
            <ScheduleField
              state={state}
              T={T}
              onChange={update}
              apiProblem={scheduleProblem ? describeProblem(scheduleProblem) : undefined}
            />
            <LatePolicyField state={state} onChange={update} />
          </section>

          {showProblems && blocking.length > 0 ? (
            <div class="alert error" role="alert" data-testid="compose-problems">
              <Icon name="alert" />
              <div>
                <p>{m.compose.problemsTitle}</p>
                <ul>
                  {blocking.map((problem) => {
                    const item = problem.path.match(/^items\.(\d+)\./);
                    const index = item ? Number(item[1]) : undefined;
                    const text = describeProblem(problem);
                    return (
                      <li key={`${problem.path}-${problem.code}`}>{index === undefined ? text : m.compose.itemProblem(index + 1, text)}</li>
                    );
                  })}
                </ul>
              </div>
            </div>
          ) : null}
          {otherServerProblems.length ? (
            <div class="alert error" role="alert">
              <Icon name="alert" />
              <ul>
                {otherServerProblems.map((problem) => (
                  <li key={`${problem.path}-${problem.code}`}>{describeProblem(problem)}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {failure ? (
            <div class="alert error" role="alert" data-testid="compose-failure">
              <Icon name="alert" />
              <p>{failure}</p>
            </div>
          ) : null}

          <div class="compose-actions">
            <span class="hint shortcut">{m.actions.shortcut}</span>
            <button type="button" class="button" disabled={busy !== undefined} onClick={() => void submit(false)}>
              {busy === 'draft' ? <span class="spinner" aria-hidden="true" /> : <Icon name="draft" />}
              {busy === 'draft' ? m.actions.saving : m.actions.saveDraft}
            </button>
            <button
              type="submit"
              class="button primary"
              disabled={busy !== undefined || !T}
              aria-disabled={blocking.length > 0 ? 'true' : undefined}
            >
              {busy === 'schedule' ? <span class="spinner" aria-hidden="true" /> : <Icon name="send" />}
              {busy === 'schedule' ? m.actions.saving : editing ? m.actions.update : m.actions.schedule}
            </button>
          </div>
        </div>
        <aside class="compose-side">
          <Preview
            state={state}
            at={wall?.kind === 'ok' ? wall.epochMs : wall?.kind === 'repeated' ? wall.first.epochMs : undefined}
            timeProblem={wall?.kind === 'skipped' || wall?.kind === 'invalid' ? wall.kind : undefined}
          />
        </aside>
      </form>
    </Page>
  );
}
