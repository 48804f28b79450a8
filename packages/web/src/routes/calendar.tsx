import FullCalendar, { type DatesSetInfo, type EventClickInfo, type EventDisplayInfo, type EventDropInfo } from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import jaLocale from '@fullcalendar/react/locales/ja';
import classicTheme from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import { DEFAULT_SCHEDULE_LIMITS, type ListPostsResponse, type Post, wallClockTime } from '@chronopost/shared-schemas';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api/client';
import { describeError } from '../api/describe';
import { ApiError } from '../api/errors';
import { conditionalGet, usePolled, usePolling } from '../api/poll';
import { apiMessage, formatDateTime, locale } from '../i18n';
import { screenMessages } from '../i18n/screens';
import { excerpt, STATUS_LOOK, StatusBadge } from '../posts/status';
import { loadSettings, timeZone } from '../settings/store';
import '../styles/calendar.css';
import '../styles/posts.css';
import { theme } from '../theme';
import { announce } from '../ui/announcer';
import { Icon } from '../ui/icons';
import { ErrorAlert } from '../ui/feedback';
import { Page } from '../ui/page';

/** Everything that has (or had) a time: drafts have none and sit beside the calendar. */
const DATED = 'scheduled,queued,publishing,published,retrying,failed,missed,blocked';
/** The view last chosen, remembered apart for narrow screens (a week of columns does not fit a phone). */
const narrow = () => matchMedia('(max-width: 640px)').matches;
const viewKey = () => `chronopost.calendar.view${narrow() ? '.narrow' : ''}`;
const VIEWS = ['dayGridMonth', 'timeGridWeek', 'timeGridDay', 'listWeek'] as const;
/** Pages of a range fetched at most (100 posts each): a month of a very busy account. */
const MAX_PAGES = 10;

function initialView(): string {
  try {
    const stored = localStorage.getItem(viewKey());
    if (stored && (VIEWS as readonly string[]).includes(stored)) return stored;
  } catch {
    // storage disabled
  }
  return narrow() ? 'listWeek' : 'timeGridWeek';
}

/** The posts of the visible range, all pages; undefined when the first page is unchanged (304). */
async function fetchRange(first: ReturnType<typeof conditionalGet<ListPostsResponse>>, range: { from: string; to: string }) {
  const query = (cursor?: string) =>
    `/posts?${new URLSearchParams({ status: DATED, from: range.from, to: range.to, limit: '100', ...(cursor ? { cursor } : {}) })}`;
  const page = await first.get(query());
  if (!page) return undefined;
  const posts = [...page.posts];
  let cursor = page.nextCursor;
  for (let pages = 1; cursor && pages < MAX_PAGES; pages++) {
    const next = (await api<ListPostsResponse>(query(cursor))).data;
    posts.push(...next.posts);
    cursor = next.nextCursor;
  }
  return posts;
}

function EventChip({ post, timeText, timeInGrid }: { post: Post; timeText: string; timeInGrid: boolean }) {
  const t = screenMessages.value;
  const look = STATUS_LOOK[post.status];
  return (
    // In the time grids (narrow day columns) the time is said, not shown (the grid shows it): the words get the width.
    <span class="calendar-event-chip" data-status={post.status} data-post-id={post.id}>
      <Icon name={look.icon} size={14} />
      <span class="visually-hidden">{`${t.status[post.status]}, `}</span>
      {timeText ? <span class={`calendar-event-time${timeInGrid ? ' visually-hidden' : ''}`}>{timeText}</span> : null}
      <span class="calendar-event-text">{excerpt(post, 60) || t.calendar.untitled}</span>
    </span>
  );
}

function Legend() {
  const t = screenMessages.value;
  const shown = ['scheduled', 'published', 'retrying', 'failed', 'missed', 'blocked'] as const;
  return (
    <section class="calendar-legend" aria-label={t.calendar.legend}>
      <ul>
        {shown.map((status) => (
          <li key={status}>
            <StatusBadge status={status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Drafts() {
  const t = screenMessages.value;
  const drafts = usePolled<ListPostsResponse>('/posts?status=draft&limit=20&order=desc', 30_000);
  return (
    <aside class="calendar-drafts card" aria-labelledby="calendar-drafts-title">
      <h2 id="calendar-drafts-title">
        <Icon name="draft" /> {t.calendar.drafts}
      </h2>
      <p class="hint">{t.calendar.draftsHint}</p>
      {drafts.data ? (
        drafts.data.posts.length === 0 ? (
          <p class="hint">{t.calendar.noDrafts}</p>
        ) : (
          <ul class="draft-list">
            {drafts.data.posts.map((post) => (
              <li key={post.id}>
                <a href={`/posts/${post.id}`}>{excerpt(post, 70) || t.calendar.untitled}</a>
              </li>
            ))}
          </ul>
        )
      ) : drafts.error ? (
        <p class="field-error">{describeError(drafts.error)}</p>
      ) : null}
    </aside>
  );
}

export default function CalendarScreen() {
  const t = screenMessages.value;
  const { route } = useLocation();
  const zone = timeZone.value;
  const [range, setRange] = useState<{ from: string; to: string } | undefined>();
  const [posts, setPosts] = useState<Post[]>([]);
  const [loadFailure, setLoadFailure] = useState<string | undefined>();
  const [moveFailure, setMoveFailure] = useState<string | undefined>();
  const getter = useRef(conditionalGet<ListPostsResponse>());
  const dragging = useRef(false);
  /** Where the dragged post was last refused (too soon), to say why when it is dropped there. */
  const refusedAt = useRef<Date | undefined>(undefined);
  const minLeadSeconds = DEFAULT_SCHEDULE_LIMITS.minLeadSeconds;

  useEffect(() => {
    void loadSettings().catch(() => undefined);
  }, []);

  const refresh = async (full = false) => {
    if (!range || dragging.current) return;
    if (full) getter.current.reset();
    try {
      const next = await fetchRange(getter.current, range);
      if (next) setPosts(next);
      setLoadFailure(undefined);
    } catch (error) {
      setLoadFailure(`${t.calendar.loadFailed} ${describeError(error)}`);
    }
  };
  // Another range is another resource: ask in full.
  useEffect(() => getter.current.reset(), [range?.from, range?.to]);
  usePolling(refresh, 10_000, [range?.from, range?.to]);

  const events = useMemo(
    () =>
      posts
        .filter((post) => post.scheduledAt)
        .map((post) => ({
          id: post.id,
          start: post.scheduledAt!,
          title: excerpt(post, 60),
          // Only a post nothing was attempted for yet may move.
          editable: post.status === 'scheduled',
          extendedProps: { post },
        })),
    [posts],
  );

  const move = async (info: { event: { id: string; start: Date | null; extendedProps: Record<string, unknown> }; revert: () => void }) => {
    const post = info.event.extendedProps.post as Post;
    dragging.current = false;
    if (!info.event.start) return info.revert();
    const scheduledAt = `${wallClockTime(info.event.start, zone)}[${zone}]`;
    try {
      const { data } = await api<Post>(`/posts/${post.id}`, {
        method: 'PATCH',
        headers: { 'if-match': `"${post.version}"` },
        body: { scheduledAt },
      });
      setPosts((current) => current.map((item) => (item.id === data.id ? data : item)));
      getter.current.reset();
      setMoveFailure(undefined);
      announce(t.calendar.moved(formatDateTime(data.scheduledAt!, { dateStyle: 'full', timeStyle: 'short', timeZone: zone })));
    } catch (error) {
      info.revert();
      // A conflict means our copy is old: show the post as it is now, and say so (not "reload").
      const conflict = error instanceof ApiError && error.status === 409;
      setMoveFailure(conflict ? t.calendar.conflict : t.calendar.notMoved(describeError(error)));
      if (conflict) await refresh(true);
    }
  };

  const colorScheme = theme.value === 'system' ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : theme.value;

  return (
    <Page
      title={t.calendar.title}
      wide
      actions={
        <a class="button primary" href="/compose">
          <Icon name="compose" /> {t.calendar.newPost}
        </a>
      }
    >
      <p class="calendar-zone hint">
        {t.calendar.zone(zone)} <a href="/settings">{t.calendar.changeZone}</a>
      </p>
      {[loadFailure, moveFailure].map((text) => (text ? <ErrorAlert key={text} text={text} /> : null))}
      <div class="calendar-layout">
        <div class="calendar-main card" data-testid="calendar">
          <FullCalendar
            plugins={[classicTheme, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
            initialView={initialView()}
            timeZone={zone}
            locale={locale.value === 'ja' ? jaLocale : 'en'}
            colorScheme={colorScheme}
            headerToolbar={{ start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek' }}
            todayText={t.calendar.today}
            monthText={t.calendar.month}
            weekTextLong={t.calendar.week}
            dayText={t.calendar.day}
            listText={t.calendar.list}
            todayHint={t.calendar.today}
            prevHint={t.calendar.previous}
            nextHint={t.calendar.next}
            contentHeight={620}
            // A list or a month is as tall as what it holds; the time grid scrolls within a window's height.
            views={{ listWeek: { contentHeight: 'auto' }, dayGridMonth: { contentHeight: 'auto' } }}
            nowIndicator
            scrollTime="08:00:00"
            slotDuration="00:30:00"
            snapDuration="00:15:00"
            defaultTimedEventDuration="00:30:00"
            dayMaxEvents
            eventInteractive
            events={events}
            eventClass={(arg: EventDisplayInfo) => `calendar-event tone-${STATUS_LOOK[(arg.event.extendedProps.post as Post).status].tone}`}
            eventContent={(arg: EventDisplayInfo) => (
              <EventChip
                post={arg.event.extendedProps.post as Post}
                timeText={arg.timeText}
                timeInGrid={arg.view.type.startsWith('timeGrid')}
              />
            )}
            eventClick={(info: EventClickInfo) => {
              info.jsEvent.preventDefault();
              route(`/posts/${info.event.id}`);
            }}
            eventDragStart={() => {
              dragging.current = true;
              refusedAt.current = undefined;
            }}
            eventDragStop={() => {
              dragging.current = false;
              // Let go where it may not go: it snaps back; say why, in the API's words.
              if (refusedAt.current) {
                const reason = apiMessage({ code: 'too_soon', params: { minLeadSeconds } }) ?? t.calendar.tooSoon(minLeadSeconds);
                setMoveFailure(t.calendar.notMoved(reason));
              }
            }}
            // A post cannot move into the past or closer than the minimum lead (the API would refuse
            // it too, with its own limit, and the drop then snaps back with the API's reason).
            eventAllow={(span: { start: Date }) => {
              const allowed = span.start.getTime() > Date.now() + minLeadSeconds * 1000;
              refusedAt.current = allowed ? undefined : span.start;
              return allowed;
            }}
            eventDrop={(info: EventDropInfo) => void move(info)}
            datesSet={(info: DatesSetInfo) => {
              setRange({ from: info.start.toISOString(), to: info.end.toISOString() });
              try {
                localStorage.setItem(viewKey(), info.view.type);
              } catch {
                // not remembered
              }
            }}
          />
        </div>
        <div class="calendar-side">
          <Legend />
          <p class="hint">{t.calendar.dragHint}</p>
          <Drafts />
        </div>
      </div>
    </Page>
  );
}
