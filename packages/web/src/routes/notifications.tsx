import type { ListNotificationsResponse, Notification } from '@chronopost/shared-schemas';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { describeError } from '../api/describe';
import { renderCode } from '../api/stored-messages';
import { usePolled } from '../api/poll';
import { me, startSignIn } from '../auth/session';
import { formatDateTime, formatRelative } from '../i18n';
import { screenMessages } from '../i18n/screens';
import { unreadNotifications } from '../notifications/badge';
import '../styles/notifications.css';
import { announce } from '../ui/announcer';
import { Icon, type IconName } from '../ui/icons';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Page } from '../ui/page';

const LOOK: Record<Notification['code'], { icon: IconName; tone: string }> = {
  session_ended: { icon: 'signOut', tone: 'danger' },
  session_ends_soon: { icon: 'clock', tone: 'warning' },
  posts_resumed: { icon: 'check', tone: 'success' },
  post_failed: { icon: 'alert', tone: 'danger' },
  post_missed: { icon: 'skip', tone: 'danger' },
  post_blocked: { icon: 'pause', tone: 'warning' },
};
/** Notifications that ask the user to log in to Bluesky again. */
const NEEDS_LOGIN = new Set<Notification['code']>(['session_ended', 'session_ends_soon', 'post_blocked']);

function Item({ item, onChange }: { item: Notification; onChange: (next: Notification) => void }) {
  const t = screenMessages.value;
  const [failure, setFailure] = useState<string | undefined>();
  const look = LOOK[item.code] ?? { icon: 'info', tone: 'neutral' };
  const unread = !item.readAt && !item.dismissedAt;
  const postId = typeof item.params.postId === 'string' ? item.params.postId : undefined;
  const act = async (action: 'read' | 'dismiss') => {
    setFailure(undefined);
    try {
      const { data } = await api<Notification>(`/notifications/${item.id}/${action}`, { method: 'POST' });
      onChange(data);
    } catch (error) {
      setFailure(describeError(error));
    }
  };
  const handle = me.value?.account.handle;
  return (
    <li
      class={`notification tone-${look.tone}${unread ? ' unread' : ''}${item.dismissedAt ? ' dismissed' : ''}`}
      data-testid="notification"
      data-id={item.id}
    >
      <span class="notification-icon">
        <Icon name={look.icon} />
      </span>
      <div class="notification-body">
        <p class="notification-text">
          {unread ? <span class="visually-hidden">{`${t.notifications.unread}: `}</span> : null}
          {renderCode(item.code, item.params, item.message)}
        </p>
        <p class="notification-meta">
          <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
            {formatRelative(item.createdAt)}
          </time>
          {item.dismissedAt ? ` · ${t.notifications.dismissed}` : ''}
        </p>
        <div class="notification-actions">
          {postId ? (
            <a class="button small" href={`/posts/${postId}`}>
              {t.notifications.openPost}
            </a>
          ) : null}
          {NEEDS_LOGIN.has(item.code) && handle && !item.dismissedAt ? (
            <button
              type="button"
              class="button small"
              onClick={() => void startSignIn(handle, '/notifications').catch((error: unknown) => setFailure(describeError(error)))}
            >
              {t.notifications.signInAgain}
            </button>
          ) : null}
          {unread ? (
            <button type="button" class="button small ghost" onClick={() => void act('read')}>
              <Icon name="check" size={16} /> {t.notifications.markRead}
            </button>
          ) : null}
          {!item.dismissedAt ? (
            <button type="button" class="button small ghost" onClick={() => void act('dismiss')}>
              <Icon name="x" size={16} /> {t.notifications.dismiss}
            </button>
          ) : null}
        </div>
        {failure ? (
          <p class="field-error" role="alert">
            {failure}
          </p>
        ) : null}
      </div>
    </li>
  );
}

export default function NotificationsScreen() {
  const t = screenMessages.value;
  const [showDismissed, setShowDismissed] = useState(false);
  const [more, setMore] = useState<{ items: Notification[]; cursor: string | null } | undefined>();
  const [changed, setChanged] = useState<Record<string, Notification>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const path = `/notifications?limit=30${showDismissed ? '&dismissed=true' : ''}`;
  const list = usePolled<ListNotificationsResponse>(path, 30_000);
  useEffect(() => {
    if (list.data) unreadNotifications.value = list.data.unreadCount;
  }, [list.data]);

  const items = [...(list.data?.notifications ?? []), ...(more?.items ?? [])]
    .map((item) => changed[item.id] ?? item)
    .filter((item) => showDismissed || !item.dismissedAt);
  const cursor = more ? more.cursor : (list.data?.nextCursor ?? null);

  const update = (next: Notification) => {
    setChanged((current) => ({ ...current, [next.id]: next }));
    void list.refresh().then(() => setChanged({}));
  };
  const readAll = async () => {
    setFailure(undefined);
    try {
      const { data } = await api<{ marked: number; unreadCount: number }>('/notifications/read-all', { method: 'POST' });
      unreadNotifications.value = data.unreadCount;
      await list.refresh();
      setMore(undefined);
      announce(t.notifications.allRead);
    } catch (error) {
      setFailure(describeError(error));
    }
  };
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const { data } = await api<ListNotificationsResponse>(`${path}&cursor=${encodeURIComponent(cursor)}`);
      setMore({ items: [...(more?.items ?? []), ...data.notifications], cursor: data.nextCursor });
    } catch (error) {
      setFailure(describeError(error));
    }
  };

  return (
    <Page
      title={t.notifications.title}
      actions={
        (list.data?.unreadCount ?? 0) > 0 ? (
          <button type="button" class="button" onClick={() => void readAll()}>
            <Icon name="check" /> {t.notifications.markAllRead}
          </button>
        ) : null
      }
    >
      <label class="checkbox notifications-filter">
        <input
          type="checkbox"
          checked={showDismissed}
          onChange={(event) => {
            setMore(undefined);
            setShowDismissed(event.currentTarget.checked);
          }}
        />
        {t.notifications.showDismissed}
      </label>
      {failure ? <ErrorAlert text={failure} /> : null}
      {list.error && !list.data ? (
        <ErrorAlert text={`${t.notifications.loadFailed} ${describeError(list.error)}`} />
      ) : !list.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <div class="empty-state card">
          <Icon name="bell" size={32} />
          <p>{t.notifications.empty}</p>
        </div>
      ) : (
        <>
          <ul class="notification-list">
            {items.map((item) => (
              <Item key={item.id} item={item} onChange={update} />
            ))}
          </ul>
          {cursor ? (
            <div class="list-footer">
              <button type="button" class="button" onClick={() => void loadMore()}>
                {t.notifications.more}
              </button>
            </div>
          ) : null}
        </>
      )}
    </Page>
  );
}
