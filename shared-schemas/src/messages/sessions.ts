import { defineMessages, message, none } from './define';

/** Why an account's Bluesky login ended (stored with the session; also why its posts are held). */
export const sessionMessages = defineMessages({
  logged_out: message(
    none,
    () => 'You logged out of Chronopost.',
    () => 'Chronopost からログアウトしました。',
  ),
  session_expired: message(
    none,
    () => 'Your Bluesky login expired. Log in again to keep your scheduled posts going.',
    () => 'Bluesky へのログインの有効期限が切れました。予約投稿を続けるには、もう一度ログインしてください。',
  ),
  session_revoked: message(
    none,
    () => "Bluesky no longer accepts Chronopost's access (it was revoked). Log in again to keep your scheduled posts going.",
    () => 'Chronopost へのアクセス許可が取り消されました。予約投稿を続けるには、もう一度ログインしてください。',
  ),
  session_unusable: message(
    none,
    () => 'Your Bluesky login could not be renewed. Log in again to keep your scheduled posts going.',
    () => 'Bluesky へのログインを更新できませんでした。予約投稿を続けるには、もう一度ログインしてください。',
  ),
});
export type SessionEndCode = keyof typeof sessionMessages;
export const SESSION_END_CODES = Object.keys(sessionMessages) as SessionEndCode[];
