import * as z from 'zod';
import { defineMessages, message, plural } from './define';
import { sessionMessages } from './sessions';

const count = z.number().int().nonnegative();

const onHoldEn = (count: number) =>
  count ? ` ${count === 1 ? 'One scheduled post is' : `${count} scheduled posts are`} on hold until you log in again.` : '';
const onHoldJa = (count: number) => (count ? `予約投稿${count}件は、再度ログインするまで保留されます。` : '');
const endReason = z.enum(['logged_out', 'session_expired', 'session_revoked', 'session_unusable']);

/** What the user is told without asking (`GET /notifications`). */
export const notificationMessages = defineMessages({
  session_ended: message(
    () => z.object({ state: z.string(), reason: endReason.default('session_unusable'), blockedPosts: count.default(0) }).loose(),
    (p) => `${sessionMessages[p.reason].en({})}${onHoldEn(p.blockedPosts)}`,
    (p) => `${sessionMessages[p.reason].ja({})}${onHoldJa(p.blockedPosts)}`,
  ),
  session_ends_soon: message(
    () => z.object({ endsAt: z.string() }).loose(),
    (p) =>
      `Your Bluesky login ends on ${p.endsAt.slice(0, 16).replace('T', ' ')} UTC, before some of your scheduled posts. Log in again before then, or they will be held.`,
    (p) =>
      `Bluesky へのログインは ${p.endsAt.slice(0, 16).replace('T', ' ')}（UTC）に期限が切れ、一部の予約投稿の時刻より前です。それまでにもう一度ログインしないと、それらの投稿は保留されます。`,
  ),
  posts_resumed: message(
    () => z.object({ resumed: count, missed: count }).loose(),
    (p) =>
      [
        'Welcome back.',
        p.resumed
          ? `${p.resumed} held ${plural(p.resumed, 'post', 'posts')} will go out as scheduled (or now, if its time has passed).`
          : '',
        p.missed
          ? `${p.missed} ${plural(p.missed, 'was', 'were')} past ${plural(p.missed, 'its', 'their')} late policy and skipped: nothing was posted for ${plural(p.missed, 'it', 'them')}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    (p) =>
      [
        'おかえりなさい。',
        p.resumed ? `保留していた投稿${p.resumed}件は予定どおり（時刻を過ぎたものはすぐに）投稿されます。` : '',
        p.missed ? `${p.missed}件は遅延時の設定で許される時間を過ぎたため見送りました。これらは投稿されていません。` : '',
      ].join(''),
  ),
  post_failed: message(
    () => z.object({ postId: z.string(), excerpt: z.string().default('') }).loose(),
    (p) => `A post could not be published${p.excerpt ? ` (“${p.excerpt}”)` : ''}. Open it to see why and retry.`,
    (p) => `投稿を公開できませんでした${p.excerpt ? `（「${p.excerpt}」）` : ''}。詳細を確認して再試行してください。`,
  ),
  post_missed: message(
    () => z.object({ postId: z.string(), excerpt: z.string().default('') }).loose(),
    (p) => `A post was skipped because it could not go out on time${p.excerpt ? ` (“${p.excerpt}”)` : ''}. Nothing was posted.`,
    (p) => `予定時刻に投稿できなかったため、投稿を見送りました${p.excerpt ? `（「${p.excerpt}」）` : ''}。何も投稿されていません。`,
  ),
  post_blocked: message(
    () => z.object({ postId: z.string(), excerpt: z.string().default('') }).loose(),
    (p) => `A post is on hold until you log in again${p.excerpt ? ` (“${p.excerpt}”)` : ''}.`,
    (p) => `再度ログインするまで、投稿を保留しています${p.excerpt ? `（「${p.excerpt}」）` : ''}。`,
  ),
});
export type NotificationCode = keyof typeof notificationMessages;
export const NOTIFICATION_CODES = Object.keys(notificationMessages) as [NotificationCode, ...NotificationCode[]];
