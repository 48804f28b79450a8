import {
  CANCELLABLE_STATUSES,
  EDITABLE_STATUSES,
  type ListAttemptsResponse,
  type Post,
  type PostStatus,
  type PublishAttempt,
  RETRYABLE_STATUSES,
  wallClockTime,
} from '@chronopost/shared-schemas';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api/client';
import { describeError } from '../api/describe';
import { renderCode } from '../api/stored-messages';
import { ApiError } from '../api/errors';
import { usePolled } from '../api/poll';
import { RichText } from '../compose/preview';
import { formatDateTime, formatNumber, messages } from '../i18n';
import { screenMessages } from '../i18n/screens';
import { bskyAppUrl, STATUS_LOOK, StatusBadge } from '../posts/status';
import { loadSettings, timeZone } from '../settings/store';
import '../styles/posts.css';
import { announce } from '../ui/announcer';
import { Icon, type IconName } from '../ui/icons';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Page } from '../ui/page';

const has = (list: readonly PostStatus[], status: PostStatus) => list.includes(status);

/** An attempt's outcome looks like the status it led to (the two that are no status borrow one). */
const OUTCOME_LOOK: Record<string, { icon: IconName; tone: string }> = {
  ...STATUS_LOOK,
  already_published: STATUS_LOOK.published,
  abandoned: STATUS_LOOK.failed,
};

function Attempt({ attempt }: { attempt: PublishAttempt }) {
  const t = screenMessages.value;
  const look = (attempt.outcome && OUTCOME_LOOK[attempt.outcome]) || { icon: 'clock' as IconName, tone: 'progress' };
  const outcome = attempt.outcome ? (t.post.outcomes[attempt.outcome] ?? attempt.outcome) : t.post.inProgress;
  return (
    <li class={`attempt tone-${look.tone}`} data-testid="attempt">
      <Icon name={look.icon} />
      <div class="attempt-head">
        <strong>{t.post.attempt(attempt.attempt)}</strong>
        <span>{outcome}</span>
        <span class="attempt-time">
          <time dateTime={attempt.startedAt}>
            {formatDateTime(attempt.startedAt, { dateStyle: 'medium', timeStyle: 'medium', timeZone: timeZone.value })}
          </time>
          {attempt.latencyMs !== null
            ? ` · ${t.post.took(formatNumber(attempt.latencyMs / 1000, { style: 'unit', unit: 'second', maximumFractionDigits: 1 }))}`
            : ''}
        </span>
      </div>
      {attempt.code ? <p class="attempt-reason">{renderCode(attempt.code, attempt.params, attempt.message ?? attempt.code)}</p> : null}
    </li>
  );
}

/** The new time, in the zone the user sees times in: a `datetime-local` value and the zone beside it. */
function TimeForm({
  post,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  post: Post;
  submitLabel: string;
  onSubmit: (scheduledAt: string) => Promise<void>;
  onCancel: () => void;
}) {
  const m = messages.value;
  const t = screenMessages.value;
  const zone = timeZone.value;
  const start =
    post.scheduledAt && Date.parse(post.scheduledAt) > Date.now() ? new Date(post.scheduledAt) : new Date(Date.now() + 3_600_000);
  const [value, setValue] = useState(wallClockTime(start, zone).slice(0, 16));
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        void onSubmit(`${value}:00[${zone}]`).finally(() => setBusy(false));
      }}
    >
      <div class="field">
        <label for="new-time">{t.post.rescheduleTitle}</label>
        <input
          ref={input}
          id="new-time"
          class="input"
          type="datetime-local"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <span class="hint">{t.calendar.zone(zone)}</span>
      </div>
      <button type="submit" class="button primary" disabled={busy}>
        {busy ? <span class="spinner" aria-hidden="true" /> : null}
        {submitLabel}
      </button>
      <button type="button" class="button ghost" onClick={onCancel}>
        {m.common.cancel}
      </button>
    </form>
  );
}

function Confirm({ text, onYes, onNo }: { text: string; onYes: () => Promise<void>; onNo: () => void }) {
  const t = screenMessages.value;
  const [busy, setBusy] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div class="inline-form" role="group" aria-label={text}>
      <p>{text}</p>
      <button
        ref={yes}
        type="button"
        class="button danger"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onYes().finally(() => setBusy(false));
        }}
      >
        {t.post.confirmYes}
      </button>
      <button type="button" class="button ghost" onClick={onNo}>
        {t.post.confirmNo}
      </button>
    </div>
  );
}

type Open = 'reschedule' | 'retry' | 'cancel' | undefined;

export default function PostScreen() {
  const m = messages.value;
  const t = screenMessages.value;
  const { params } = useRoute();
  const { route } = useLocation();
  const id = params.id ?? '';
  const post = usePolled<Post>(`/posts/${encodeURIComponent(id)}`, 5_000);
  const [attempts, setAttempts] = useState<PublishAttempt[] | undefined>();
  const [open, setOpen] = useState<Open>();
  const [failure, setFailure] = useState<string | undefined>();
  const seen = useRef<PostStatus | undefined>(undefined);
  const data = post.data;
  const zone = timeZone.value;

  useEffect(() => {
    void loadSettings().catch(() => undefined);
  }, []);
  // Attempts change only with the post (each one bumps its version): ask again then.
  useEffect(() => {
    if (!data) return;
    void api<ListAttemptsResponse>(`/posts/${data.id}/attempts`)
      .then(({ data: answer }) => setAttempts(answer.attempts))
      .catch(() => undefined);
  }, [data?.id, data?.version]);
  // A status that changes while the page is open is said, not only shown.
  useEffect(() => {
    if (!data) return;
    if (seen.current && seen.current !== data.status) announce(t.post.changed(t.status[data.status]));
    seen.current = data.status;
  }, [data?.status]);

  const ifMatch = (target: Post) => ({ 'if-match': `"${target.version}"` });
  const act = async (run: () => Promise<unknown>, done: (next: Post) => string) => {
    setFailure(undefined);
    try {
      const result = (await run()) as { data: Post };
      setOpen(undefined);
      announce(done(result.data));
      await post.refresh();
    } catch (error) {
      setFailure(describeError(error));
      if (error instanceof ApiError && error.status === 409) await post.refresh();
    }
  };
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, { dateStyle: 'full', timeStyle: 'short', timeZone: zone }) : t.posts.noTime;

  if (!data) {
    return (
      <Page title={t.post.title}>
        {post.error ? (
          <ErrorAlert
            text={
              post.error instanceof ApiError && post.error.status === 404
                ? describeError(post.error)
                : `${t.post.loadFailed} ${describeError(post.error)}`
            }
          />
        ) : (
          <Loading />
        )}
      </Page>
    );
  }

  const status = data.status;
  const replies = data.options.replyControl;
  return (
    <Page
      title={t.post.title}
      actions={
        <a class="button ghost" href="/posts">
          <Icon name="chevronLeft" /> {t.post.back}
        </a>
      }
    >
      <div class="post-header" data-testid="post-status" data-status={status}>
        <StatusBadge status={status} />
        <span>{t.statusHelp[status]}</span>
      </div>
      {data.lastError && status !== 'published' ? (
        <div class={`alert ${STATUS_LOOK[status].tone === 'danger' ? 'error' : 'warning'}`} data-testid="post-reason">
          <Icon name="alert" />
          <p>
            <strong>{t.post.whyTitle}: </strong>
            {renderCode(data.lastError.code, data.lastError.params, data.lastError.message)}
          </p>
        </div>
      ) : null}

      <section class="post-items" aria-labelledby="post-items">
        <h2 id="post-items" class="visually-hidden">
          {t.post.title}
        </h2>
        <ol class="thread-items">
          {data.items.map((item, index) => {
            const link = item.uri ? bskyAppUrl(item.uri) : undefined;
            return (
              <li class="thread-item" key={item.position}>
                {data.items.length > 1 ? (
                  <div class="thread-item-head">
                    <span>{t.post.itemOf(index + 1, data.items.length)}</span>
                  </div>
                ) : null}
                <p class="thread-item-text" lang={item.langs[0]}>
                  <RichText text={item.text} facets={item.facets} />
                </p>
                {link ? (
                  <a class="bsky-link" href={link} target="_blank" rel="noopener noreferrer" data-testid="bsky-link">
                    <Icon name="external" size={16} /> {t.post.viewOnBluesky}
                  </a>
                ) : null}
              </li>
            );
          })}
        </ol>
      </section>

      <dl class="post-facts">
        <dt>{status === 'published' ? t.post.publishedAt : t.post.scheduledFor}</dt>
        <dd data-testid="post-time">{when(status === 'published' ? (data.publishedAt ?? data.scheduledAt) : data.scheduledAt)}</dd>
        {data.timeZone && data.timeZone !== zone ? (
          <>
            <dt>{t.post.zone}</dt>
            <dd>{`${data.timeZone} · ${data.scheduledAt ? formatDateTime(data.scheduledAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: data.timeZone }) : ''}`}</dd>
          </>
        ) : null}
        <dt>{t.post.late}</dt>
        <dd>{data.latePolicy.mode === 'skip' ? t.post.lateSkip(Math.round(data.latePolicy.graceSeconds / 60)) : t.post.latePublish}</dd>
        <dt>{t.post.replies}</dt>
        <dd>
          {replies.mode === 'limited'
            ? replies.allow.map((rule) => (typeof rule === 'string' ? m.replies[rule] : m.replies.list)).join(', ')
            : m.replies[replies.mode]}
        </dd>
        <dt>{t.post.quotes}</dt>
        <dd>{data.options.quoteControl.allowQuotes ? t.post.quotesAllowed : t.post.quotesOff}</dd>
      </dl>

      <section class="post-section" aria-labelledby="post-actions">
        <h2 id="post-actions">{t.post.actions}</h2>
        <div class="actions-bar">
          {has(EDITABLE_STATUSES, status) ? (
            <a class="button" href={`/compose/${data.id}`}>
              <Icon name="compose" /> {t.post.edit}
            </a>
          ) : null}
          {status === 'scheduled' || status === 'draft' ? (
            <button
              type="button"
              class="button"
              aria-expanded={open === 'reschedule'}
              onClick={() => setOpen(open === 'reschedule' ? undefined : 'reschedule')}
            >
              <Icon name="clock" /> {t.post.reschedule}
            </button>
          ) : null}
          {has(RETRYABLE_STATUSES, status) ? (
            <>
              <button
                type="button"
                class="button primary"
                onClick={() =>
                  void act(
                    () => api<Post>(`/posts/${data.id}/retry`, { method: 'POST', headers: ifMatch(data), body: {} }),
                    (next) => t.post.retried(when(next.scheduledAt)),
                  )
                }
              >
                <Icon name="repost" /> {t.post.retryNow}
              </button>
              <button
                type="button"
                class="button"
                aria-expanded={open === 'retry'}
                onClick={() => setOpen(open === 'retry' ? undefined : 'retry')}
              >
                <Icon name="clock" /> {t.post.retryAt}
              </button>
            </>
          ) : null}
          {status === 'scheduled' ? (
            <button
              type="button"
              class="button"
              onClick={() =>
                void act(
                  () => api<Post>(`/posts/${data.id}/unschedule`, { method: 'POST', headers: ifMatch(data), body: {} }),
                  () => t.post.unscheduled,
                )
              }
            >
              <Icon name="draft" /> {t.post.unschedule}
            </button>
          ) : null}
          <a class="button" href={`/compose?duplicate=${data.id}`}>
            <Icon name="copy" /> {t.post.duplicate}
          </a>
          {has(CANCELLABLE_STATUSES, status) ? (
            <button
              type="button"
              class="button danger"
              aria-expanded={open === 'cancel'}
              onClick={() => setOpen(open === 'cancel' ? undefined : 'cancel')}
            >
              <Icon name="trash" /> {status === 'draft' ? t.post.deleteDraft : t.post.cancel}
            </button>
          ) : null}
        </div>
        {open === 'reschedule' ? (
          <TimeForm
            post={data}
            submitLabel={t.post.rescheduleSave}
            onCancel={() => setOpen(undefined)}
            onSubmit={(scheduledAt) =>
              act(
                () =>
                  status === 'draft'
                    ? api<Post>(`/posts/${data.id}/schedule`, { method: 'POST', headers: ifMatch(data), body: { scheduledAt } })
                    : api<Post>(`/posts/${data.id}`, { method: 'PATCH', headers: ifMatch(data), body: { scheduledAt } }),
                (next) => t.post.rescheduled(when(next.scheduledAt)),
              )
            }
          />
        ) : null}
        {open === 'retry' ? (
          <TimeForm
            post={data}
            submitLabel={t.post.retryAt}
            onCancel={() => setOpen(undefined)}
            onSubmit={(scheduledAt) =>
              act(
                () => api<Post>(`/posts/${data.id}/retry`, { method: 'POST', headers: ifMatch(data), body: { scheduledAt } }),
                (next) => t.post.retried(when(next.scheduledAt)),
              )
            }
          />
        ) : null}
        {open === 'cancel' ? (
          <Confirm
            text={status === 'draft' ? t.post.confirmDelete : t.post.confirmCancel}
            onNo={() => setOpen(undefined)}
            onYes={() =>
              act(
                () => api<Post>(`/posts/${data.id}`, { method: 'DELETE', headers: ifMatch(data) }),
                () => (status === 'draft' ? t.post.deleted : t.post.cancelled),
              ).then(() => {
                if (status === 'draft') route('/posts?show=drafts');
              })
            }
          />
        ) : null}
        {failure ? <ErrorAlert text={failure} /> : null}
      </section>

      <section class="post-section" aria-labelledby="post-attempts">
        <h2 id="post-attempts">{t.post.attempts}</h2>
        {attempts === undefined ? null : attempts.length === 0 ? (
          <p class="hint">{t.post.noAttempts}</p>
        ) : (
          <ol class="attempts" data-testid="attempts">
            {attempts.map((attempt) => (
              <Attempt key={attempt.attempt} attempt={attempt} />
            ))}
          </ol>
        )}
        <p class="live-note">
          <Icon name="repost" size={16} />
          {t.post.live}
        </p>
      </section>
    </Page>
  );
}
