import * as z from 'zod';
import { defineMessages, message, none } from './define';
import { durationEn, durationJa } from './durations';

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
    () => z.object({ status, detail }),
    (p) => `Your Bluesky server answered with ${statusEn(p.status)}${p.detail ? `: ${p.detail}` : ''}.`,
    (p) => `Bluesky のサーバーが${statusJa(p.status)}を返しました${p.detail ? `（${p.detail}）` : ''}。`,
  ),
  blob_missing: message(
    () => z.object({ detail }),
    () => 'Your Bluesky server no longer had a file this post uploaded earlier; it is uploaded again on the next try.',
    () => 'この投稿で先にアップロードしたファイルが Bluesky のサーバーに残っていませんでした。次の試行でアップロードし直します。',
  ),
  pds_unreadable: message(
    () => z.object({ detail }),
    (p) => `Your Bluesky server gave an answer we could not read${p.detail ? `: ${p.detail}` : ''}.`,
    () => 'Bluesky のサーバーから読み取れない応答が返りました。',
  ),
  pds_rate_limited: message(
    none,
    () => 'Your Bluesky server is rate-limiting this account.',
    () => 'Bluesky のサーバーがこのアカウントの投稿頻度を制限しています。',
  ),
  auth_server_error: message(
    () => z.object({ status }),
    (p) => `Your Bluesky server's login service answered with ${statusEn(p.status)}.`,
    (p) => `Bluesky のログインサービスが${statusJa(p.status)}を返しました。`,
  ),
  pds_auth_refused: message(
    () => z.object({ error: z.string() }),
    (p) => `Your Bluesky server refused our login (${p.error}). Log in again to publish this post.`,
    (p) => `Bluesky のサーバーにログインを拒否されました（${p.error}）。この投稿を公開するには、もう一度ログインしてください。`,
  ),
  login_ended: message(
    none,
    () => 'Your Bluesky login has ended (it expired or was revoked). Log in again to publish this post.',
    () => 'Bluesky へのログインが終了しました（期限切れまたは取り消し）。この投稿を公開するには、もう一度ログインしてください。',
  ),
  pds_rejected: message(
    () => z.object({ error: z.string(), detail }),
    (p) => `Your Bluesky server did not accept the post (${p.error})${p.detail ? `: ${p.detail}` : ''}.`,
    (p) => `Bluesky のサーバーが投稿を受け付けませんでした（${p.error}）${p.detail ? `: ${p.detail}` : ''}。`,
  ),
  record_key_taken: message(
    none,
    () => 'Another record already uses this post’s record key on your account, so it was not published.',
    () => 'あなたのアカウントで、この投稿のレコードキーが別のレコードに使われているため、公開しませんでした。',
  ),
  quote_not_post: message(
    () => z.object({ uri: z.string() }),
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
  video_deleted: message(
    none,
    () => 'The video of this post was deleted before it could be published.',
    () => 'この投稿の動画が公開前に削除されました。',
  ),
  video_rejected: message(
    none,
    () => 'The video of this post was refused when it was uploaded, so the post was not published.',
    () => 'この投稿の動画はアップロード時に受け付けられなかったため、公開しませんでした。',
  ),
  video_checking: message(
    none,
    () => 'The video of this post was still being checked.',
    () => 'この投稿の動画はまだ確認中でした。',
  ),
  video_missing: message(
    none,
    () => 'The video of this post is missing from storage.',
    () => 'この投稿の動画が保存領域に見つかりません。',
  ),
  video_upload_limit: message(
    () => z.object({ detail }),
    (p) =>
      `Bluesky's video service does not take more videos from this account now${p.detail ? ` (${p.detail})` : ''}, so the post was not published.`,
    (p) =>
      `Bluesky の動画サービスが現在このアカウントからの動画を受け付けていないため${p.detail ? `（${p.detail}）` : ''}、公開しませんでした。`,
  ),
  video_upload_refused: message(
    () => z.object({ error: z.string().optional(), detail }).loose(),
    (p) => `The video was refused${p.error ? ` (${p.error})` : ''}${p.detail ? `: ${p.detail}` : ''}. Nothing was posted.`,
    (p) => `動画が受け付けられませんでした${p.error ? `（${p.error}）` : ''}${p.detail ? `: ${p.detail}` : ''}。何も投稿されていません。`,
  ),
  video_job_failed: message(
    () => z.object({ failureCode: z.string().optional(), detail }),
    (p) =>
      `Bluesky's video service could not process the video${p.failureCode ? ` (${p.failureCode})` : ''}${p.detail ? `: ${p.detail}` : ''}. Nothing was posted.`,
    (p) =>
      `Bluesky の動画サービスで動画を処理できませんでした${p.failureCode ? `（${p.failureCode}）` : ''}${p.detail ? `: ${p.detail}` : ''}。何も投稿されていません。`,
  ),
  video_still_uploading: message(
    none,
    () => 'The video of this post is still being uploaded.',
    () => 'この投稿の動画はまだアップロード中です。',
  ),
  video_still_processing: message(
    () => z.object({ state: z.string(), progress: z.number().optional() }),
    (p) => `Bluesky's video service is still processing the video (${p.state}${p.progress !== undefined ? `, ${p.progress} %` : ''}).`,
    (p) => `Bluesky の動画サービスで動画を処理中です（${p.state}${p.progress !== undefined ? `、${p.progress}%` : ''}）。`,
  ),
  video_processing_too_long: message(
    () => z.object({ minutes: z.number() }),
    (p) =>
      `Bluesky's video service was still processing the video ${durationEn(p.minutes * 60)} after the post's time, so it was not published.`,
    (p) => `予定時刻から${durationJa(p.minutes * 60)}たっても Bluesky の動画サービスで動画の処理が終わらなかったため、公開しませんでした。`,
  ),
  stored_form_unreadable: message(
    none,
    () => 'This post is stored in a form we cannot publish (it may predate an upgrade). Edit and schedule it again.',
    () =>
      'この投稿は公開できない形式で保存されています（以前のバージョンで作成された可能性があります）。編集してもう一度予約してください。',
  ),
  too_late: message(
    () => z.object({ graceMinutes: z.number() }),
    (p) =>
      `It could not be published within ${durationEn(p.graceMinutes * 60)} of its time, as its late policy asks, so it was skipped. Nothing was posted.`,
    (p) =>
      `遅延時の設定どおり、予定時刻から${durationJa(p.graceMinutes * 60)}以内に投稿できなかったため見送りました。何も投稿されていません。`,
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
    () => z.object({ text: z.string() }),
    (p) => p.text,
    (p) => p.text,
  ),
});
export type PublishingCode = keyof typeof publishingMessages;
