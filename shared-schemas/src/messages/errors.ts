import * as z from 'zod';
import { defineMessages, message, none } from './define';
import { STATUS_NAMES } from './statuses';

/** What a whole request was refused for (the `error.code` of a 4xx or 5xx answer). */
export const errorMessages = defineMessages({
  validation_failed: message(
    none,
    () => 'The request is not valid.',
    () => 'リクエストの内容に誤りがあります。',
  ),
  bad_request: message(
    none,
    () => 'The request is not valid.',
    () => 'リクエストが正しくありません。',
  ),
  unauthorized: message(
    none,
    () => 'Authentication is required.',
    () => 'ログインが必要です。',
  ),
  forbidden: message(
    none,
    () => 'You may not do this.',
    () => 'この操作は許可されていません。',
  ),
  not_found: message(
    () => z.object({ identifier: z.string().optional() }).loose(),
    (p) => (p.identifier ? `We could not find a Bluesky account for “${p.identifier}”. Check the spelling.` : 'Not found.'),
    (p) => (p.identifier ? `「${p.identifier}」の Bluesky アカウントが見つかりませんでした。綴りを確認してください。` : '見つかりません。'),
  ),
  method_not_allowed: message(
    none,
    () => 'This method is not allowed here.',
    () => 'このメソッドは使用できません。',
  ),
  conflict: message(
    none,
    () => 'This conflicts with the current state.',
    () => '現在の状態と矛盾するため実行できません。',
  ),
  payload_too_large: message(
    none,
    () => 'The request is too large.',
    () => 'リクエストが大きすぎます。',
  ),
  unsupported_media_type: message(
    none,
    () => 'This content type is not supported.',
    () => 'このコンテンツタイプには対応していません。',
  ),
  unprocessable: message(
    none,
    () => 'The request cannot be processed.',
    () => 'リクエストを処理できません。',
  ),
  rate_limited: message(
    none,
    () => 'Too many login attempts from this address. Wait a few minutes and try again.',
    () => 'このアドレスからのログイン試行が多すぎます。数分待ってからもう一度お試しください。',
  ),
  internal_error: message(
    none,
    () => 'Something went wrong on our side. It has been logged; please try again.',
    () => 'サーバー側で問題が発生しました。記録済みです。もう一度お試しください。',
  ),
  unavailable: message(
    none,
    () => 'The service is temporarily unavailable.',
    () => 'サービスが一時的に利用できません。',
  ),
  route_not_found: message(
    () => z.object({ method: z.string(), path: z.string() }),
    (p) => `There is no route ${p.method} ${p.path}.`,
    (p) => `${p.method} ${p.path} というエンドポイントはありません。`,
  ),
  post_not_found: message(
    none,
    () => 'There is no such post.',
    () => '該当する投稿がありません。',
  ),
  notification_not_found: message(
    none,
    () => 'There is no such notification.',
    () => '該当するお知らせがありません。',
  ),
  account_not_found: message(
    none,
    () => 'No account for this login.',
    () => 'このログインに対応するアカウントがありません。',
  ),
  version_conflict: message(
    () => z.object({ version: z.number() }),
    (p) => `The post changed since you loaded it (it is at version ${p.version}). Reload it and try again.`,
    (p) => `読み込んだ後に投稿が変更されました（現在のバージョンは ${p.version} です）。再読み込みしてからもう一度お試しください。`,
  ),
  invalid_status: message(
    () => z.object({ status: z.string(), command: z.string() }),
    (p) => `A ${p.status} post cannot be ${COMMAND_EN[p.command] ?? p.command}.`,
    (p) => `${(STATUS_NAMES.ja as Record<string, string>)[p.status] ?? p.status}の投稿は${COMMAND_JA[p.command] ?? p.command}できません。`,
  ),
  already_attempted: message(
    none,
    () => 'This post was already attempted, so its text and time can no longer change. Cancel it, or retry it at another time.',
    () => 'この投稿はすでに投稿を試みたため、本文と時刻は変更できません。キャンセルするか、別の時刻で再試行してください。',
  ),
  precondition_required: message(
    none,
    () => 'Send the version you are editing (If-Match: "<version>" or "version" in the body), so no one else\'s change is lost.',
    () => '他の変更を上書きしないよう、編集するバージョンを送ってください（If-Match: "<version>" または本文の "version"）。',
  ),
  not_logged_in: message(
    none,
    () => 'You are not logged in.',
    () => 'ログインしていません。',
  ),
  invalid_refresh_token: message(
    none,
    () => 'Your session has ended. Log in again.',
    () => 'セッションが終了しました。もう一度ログインしてください。',
  ),
  refresh_token_reused: message(
    none,
    () => 'This session was ended for your safety. Log in again.',
    () => '安全のためこのセッションを終了しました。もう一度ログインしてください。',
  ),
  cross_origin_request: message(
    none,
    () => 'This request must come from the Chronopost web app.',
    () => 'このリクエストは Chronopost のウェブアプリから送信する必要があります。',
  ),
  authorization_server_unavailable: message(
    none,
    () => 'Your Bluesky server could not be reached. Try again in a moment.',
    () => 'Bluesky のサーバーに接続できませんでした。しばらくしてからもう一度お試しください。',
  ),
  no_client_keys: message(
    none,
    () => 'A loopback client has no keys.',
    () => 'ループバッククライアントには鍵がありません。',
  ),
});

/** How the user commands read in "cannot be …". */
const COMMAND_EN: Record<string, string> = {
  edit: 'edited',
  schedule: 'scheduled (only drafts can; edit a scheduled post instead)',
  unschedule: 'turned back into a draft (only scheduled posts can)',
  cancel: 'cancelled',
  retry: 'retried (only failed, missed or blocked posts can)',
};
const COMMAND_JA: Record<string, string> = {
  edit: '編集',
  schedule: '予約（予約できるのは下書きだけです。予約済みの投稿は編集してください）',
  unschedule: '下書きに戻すことが',
  cancel: 'キャンセル',
  retry: '再試行（再試行できるのは失敗・見送り・保留中の投稿だけです）',
};
