import type { ListPostsResponse, Post } from '@chronopost/shared-schemas';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api/client';
import { describeError } from '../api/describe';
import { usePolled } from '../api/poll';
import { formatDateTime } from '../i18n';
import { screenMessages } from '../i18n/screens';
import { excerpt, STATUS_LOOK, StatusBadge } from '../posts/status';
import { loadSettings, timeZone } from '../settings/store';
import '../styles/posts.css';
import { Icon } from '../ui/icons';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Page } from '../ui/page';

/** The list's filters: each a set of statuses and the order that suits it (what comes next, or the latest first). */
const FILTERS = {
  upcoming: { status: 'scheduled,queued,publishing,retrying,blocked', order: 'asc' },
  drafts: { status: 'draft', order: 'desc' },
  published: { status: 'published', order: 'desc' },
  problems: { status: 'failed,missed,blocked', order: 'desc' },
  cancelled: { status: 'cancelled', order: 'desc' },
  all: { status: undefined, order: 'desc' },
} as const;
type Filter = keyof typeof FILTERS;
const PAGE = 25;

const query = (filter: Filter, cursor?: string) => {
  const { status, order } = FILTERS[filter];
  return `/posts?${new URLSearchParams({ ...(status ? { status } : {}), order, limit: String(PAGE), ...(cursor ? { cursor } : {}) })}`;
};

export function PostRow({ post }: { post: Post }) {
  const t = screenMessages.value;
  const images = post.items.reduce((sum, item) => sum + (item.embed && 'images' in item.embed ? item.embed.images.length : 0), 0);
  const videos = post.items.filter((item) => item.embed?.type === 'video').length;
  const meta = [
    post.items.length > 1 ? t.posts.thread(post.items.length) : '',
    images ? t.posts.images(images) : '',
    videos ? t.posts.videos(videos) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <a class={`post-row tone-${STATUS_LOOK[post.status].tone}`} href={`/posts/${post.id}`} data-post-id={post.id}>
      <span class="post-row-when">
        {post.scheduledAt
          ? formatDateTime(post.publishedAt ?? post.scheduledAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone.value })
          : t.posts.noTime}
      </span>
      <span class="post-row-text">
        {excerpt(post, 140) || t.calendar.untitled}
        {meta ? <span class="post-row-meta">{meta}</span> : null}
      </span>
      <StatusBadge status={post.status} />
    </a>
  );
}

export default function PostsScreen() {
  const t = screenMessages.value;
  const { query: params } = useLocation();
  const filter: Filter = params.show && params.show in FILTERS ? (params.show as Filter) : 'upcoming';
  // The first page is polled (its ETag covers it); later pages are fetched on request.
  const first = usePolled<ListPostsResponse>(query(filter), 10_000);
  const [more, setMore] = useState<{ posts: Post[]; cursor: string | null } | undefined>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    void loadSettings().catch(() => undefined);
  }, []);
  useEffect(() => {
    setMore(undefined);
    setFailure(undefined);
  }, [filter]);

  const posts = [...(first.data?.posts ?? []), ...(more?.posts ?? [])];
  const cursor = more ? more.cursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const { data } = await api<ListPostsResponse>(query(filter, cursor));
      setMore({ posts: [...(more?.posts ?? []), ...data.posts], cursor: data.nextCursor });
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={t.posts.title}
      wide
      actions={
        <a class="button primary" href="/compose">
          <Icon name="compose" /> {t.posts.write}
        </a>
      }
    >
      <nav aria-label={t.posts.filter}>
        <ul class="filter-tabs">
          {(Object.keys(FILTERS) as Filter[]).map((key) => (
            <li key={key}>
              <a href={`/posts?show=${key}`} aria-current={key === filter ? 'page' : undefined}>
                {t.posts.filters[key]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {first.error && !first.data ? (
        <ErrorAlert text={`${t.posts.loadFailed} ${describeError(first.error)}`} />
      ) : !first.data ? (
        <Loading />
      ) : posts.length === 0 ? (
        <div class="empty-state card">
          <p>{t.posts.empty}</p>
          <a class="button" href="/compose">
            {t.posts.write}
          </a>
        </div>
      ) : (
        <>
          <ul class="post-list" data-testid="post-list">
            {posts.map((post) => (
              <li key={post.id}>
                <PostRow post={post} />
              </li>
            ))}
          </ul>
          {failure ? (
            <p class="field-error" role="alert">
              {failure}
            </p>
          ) : null}
          <div class="list-footer">
            {cursor ? (
              <button type="button" class="button" onClick={() => void loadMore()} disabled={busy}>
                {busy ? <span class="spinner" aria-hidden="true" /> : null}
                {t.posts.more}
              </button>
            ) : (
              <p class="live-note">
                <Icon name="repost" size={16} />
                {t.posts.live}
              </p>
            )}
          </div>
        </>
      )}
    </Page>
  );
}
