import type { Post, PostStatus } from '@chronopost/shared-schemas';
import { screenMessages } from '../i18n/screens';
import { Icon, type IconName } from '../ui/icons';

/**
 * How each status looks: an icon and a tone, so no status is told by colour alone (the label is
 * always there, the icon differs). The tones map to the theme's colours in posts.css.
 */
export const STATUS_LOOK: Record<
  PostStatus,
  { icon: IconName; tone: 'neutral' | 'info' | 'progress' | 'success' | 'warning' | 'danger' | 'muted' }
> = {
  draft: { icon: 'draft', tone: 'neutral' },
  scheduled: { icon: 'clock', tone: 'info' },
  queued: { icon: 'send', tone: 'progress' },
  publishing: { icon: 'send', tone: 'progress' },
  published: { icon: 'check', tone: 'success' },
  retrying: { icon: 'repost', tone: 'warning' },
  failed: { icon: 'alert', tone: 'danger' },
  cancelled: { icon: 'x', tone: 'muted' },
  missed: { icon: 'skip', tone: 'danger' },
  blocked: { icon: 'pause', tone: 'warning' },
};

export function StatusBadge({ status }: { status: PostStatus }) {
  const look = STATUS_LOOK[status];
  return (
    <span class={`status-badge tone-${look.tone}`} data-status={status}>
      <Icon name={look.icon} size={16} />
      {screenMessages.value.status[status]}
    </span>
  );
}

/** The first words of a post (its root's text), for lists and the calendar. */
export function excerpt(post: Pick<Post, 'items'>, max = 80): string {
  const text = (post.items[0]?.text ?? '').replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** The bsky.app address of a published record (`at://did/app.bsky.feed.post/rkey`). */
export function bskyAppUrl(uri: string): string | undefined {
  const match = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return match ? `https://bsky.app/profile/${match[1]}/post/${match[2]}` : undefined;
}
