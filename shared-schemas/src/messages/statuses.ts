import type { PostStatus } from '@chronopost/core';
import type { Locale } from './define';

/**
 * A post's status as each interface language names it: the web app's labels (badges, filters, the
 * calendar's legend) and the catalogue's sentences (`invalid_status`) read the same names.
 */
export const STATUS_NAMES = {
  en: {
    draft: 'Draft',
    scheduled: 'Scheduled',
    queued: 'Queued',
    publishing: 'Publishing',
    published: 'Published',
    retrying: 'Retrying',
    failed: 'Failed',
    cancelled: 'Cancelled',
    missed: 'Missed',
    blocked: 'On hold',
  },
  ja: {
    draft: '下書き',
    scheduled: '予約済み',
    queued: '送信待ち',
    publishing: '投稿中',
    published: '投稿済み',
    retrying: '再試行待ち',
    failed: '失敗',
    cancelled: 'キャンセル済み',
    missed: '見送り',
    blocked: '保留中',
  },
} satisfies Record<Locale, Record<PostStatus, string>>;
