import * as z from 'zod';
import { defineMessages, message, none } from './define';

const status = z.number().int();
const statusEn = (code: number) => (code === 429 ? 'too many requests' : code >= 500 ? `a server error (${code})` : `error ${code}`);
const statusJa = (code: number) => (code === 429 ? 'リクエスト過多' : code >= 500 ? `サーバーエラー（${code}）` : `エラー ${code}`);
const detail = z.string().max(500).optional();

/**
 * Why a publication attempt ended as it did, and what a post's `lastError` says: stored as code and
 * params (on the post and on each attempt), rendered for the user at the edge.
 */
export const publishingMessages = defineMessages({
  pds_unreachable: message(
    none,
    () => 'Your Bluesky server could not be reached.',
    () => 'Bluesky のサーバーに接続できませんでした。',
  ),
  pds_server_error: message(
    z.object({ status, detail }),
    (p) => `Your Bluesky server answered with ${statusEn(p.status)}${p.detail ? `: ${p.detail}` : ''}.`,
    (p) => `Bluesky のサーバーが${statusJa(p.status)}を返しました${p.detail ? `（${p.detail}）` : ''}。`,
  ),
  pds_unreadable: message(
    z.object({ detail }),
    (p) => `Your Bluesky server gave an answer we could not read${p.detail ? `: ${p.detail}` : ''}.`,
    () => 'Bluesky のサーバーから読み取れない応答が返りました。',
  ),
  pds_rate_limited: message(
    none,
    () => 'Your Bluesky server is rate-limiting this account.',
    () => 'Bluesky のサーバーがこのアカウントの投稿頻度を制限しています。',
  ),
  auth_server_error: message(
    z.object({ status }),
    (p) => `Your Bluesky server's login service answered with ${statusEn(p.status)}.`,
    (p) => `Bluesky のログインサービスが${statusJa(p.status)}を返しました。`,
  ),
  pds_auth_refused: message(
    z.object({ error: z.string() }),
    (p) => `Your Bluesky server refused our login (${p.error}). Log in again to publish this post.`,
    (p) => `Bluesky のサーバーにログインを拒否されました（${p.error}）。この投稿を公開するには、もう一度ログインしてください。`,
  ),
  login_ended: message(
    none,
    () => 'Your Bluesky login has ended (it expired or was revoked). Log in again to publish this post.',
    () => 'Bluesky へのログインが終了しました（期限切れまたは取り消し）。この投稿を公開するには、もう一度ログインしてください。',
  ),
  pds_rejected: message(
    z.object({ error: z.string(), detail }),
    (p) => `Your Bluesky server did not accept the post (${p.error})${p.detail ? `: ${p.detail}` : ''}.`,
    (p) => `Bluesky のサーバーが投稿を受け付けませんでした（${p.error}）${p.detail ? `: ${p.detail}` : ''}。`,
  ),
  record_key_taken: message(
    none,
    () => 'Another record already uses this post’s record key on your account, so it was not published.',
    () => 'あなたのアカウントで、この投稿のレコードキーが別のレコードに使われているため、公開しませんでした。',
  ),
  quote_not_post: message(
    z.object({ uri: z.string() }),
    (p) => `The quoted post ${p.uri} is not a post address.`,
    (p) => `引用先 ${p.uri} は投稿のアドレスではありません。`,
  ),
  quote_account_not_found: message(
    none,
    () => 'The account of the post you quote could not be found.',
    () => '引用する投稿のアカウントが見つかりませんでした。',
  ),
  quote_account_no_pds: message(
    none,
    () => 'The account of the post you quote has no Bluesky server.',
    () => '引用する投稿のアカウントには Bluesky のサーバーがありません。',
  ),
  quote_gone: message(
    none,
    () => 'The post you quote no longer exists.',
    () => '引用する投稿はすでに削除されています。',
  ),
  image_deleted: message(
    none,
    () => 'An image of this post was deleted before it could be published.',
    () => 'この投稿の画像が公開前に削除されました。',
  ),
  image_rejected: message(
    none,
    () => 'An image of this post could not be processed, so the post was not published.',
    () => 'この投稿の画像を処理できなかったため、公開しませんでした。',
  ),
  image_processing: message(
    none,
    () => 'An image of this post was still being processed.',
    () => 'この投稿の画像はまだ処理中でした。',
  ),
  image_missing: message(
    none,
    () => 'An image of this post is missing from storage.',
    () => 'この投稿の画像が保存領域に見つかりません。',
  ),
  stored_form_unreadable: message(
    none,
    () => 'This post is stored in a form we cannot publish (it may predate an upgrade). Edit and schedule it again.',
    () =>
      'この投稿は公開できない形式で保存されています（以前のバージョンで作成された可能性があります）。編集してもう一度予約してください。',
  ),
  too_late: message(
    z.object({ graceMinutes: z.number() }),
    (p) =>
      `It could not be published within ${p.graceMinutes} minutes of its time, as its late policy asks, so it was skipped. Nothing was posted.`,
    (p) => `遅延時の設定どおり、予定時刻から${p.graceMinutes}分以内に投稿できなかったため見送りました。何も投稿されていません。`,
  ),
  missed_while_down: message(
    none,
    () =>
      'It could not go out within the delay its late policy allows (the service was not running), so it was skipped. Nothing was posted.',
    () => 'サービスが停止していたため、遅延時の設定で許される時間内に投稿できず、見送りました。何も投稿されていません。',
  ),
  publisher_crashed: message(
    none,
    () => 'Publishing this post stopped unexpectedly several times, so it was not tried again. Nothing was posted. You can retry it.',
    () => 'この投稿の公開処理が何度も予期せず中断したため、再試行を止めました。何も投稿されていません。手動で再試行できます。',
  ),
  publisher_stopped: message(
    none,
    () => 'The publisher stopped before finishing (it timed out or crashed).',
    () => '公開処理が完了前に停止しました（タイムアウトまたはクラッシュ）。',
  ),
  legacy_message: message(
    z.object({ text: z.string() }),
    (p) => p.text,
    (p) => p.text,
  ),
});
export type PublishingCode = keyof typeof publishingMessages;
