import type { Messages } from './en';

/** 日本語の画面テキスト(en.ts と同じ形。型チェックで抜けを防ぐ)。 */
const n = (value: number) => value.toLocaleString('ja');

export const ja: Messages = {
  app: {
    name: 'Chronopost',
    tagline: 'Bluesky のポストとスレッドを、指定した秒ちょうどに投稿します。',
    skipToContent: '本文へ移動',
    mainNavigation: 'メイン',
    loading: '読み込み中…',
    screenFailed: 'この画面を読み込めませんでした。接続を確認して、ページを再読み込みしてください。',
    reload: '再読み込み',
  },
  nav: {
    compose: '作成',
    calendar: 'カレンダー',
    posts: 'ポスト一覧',
    notifications: '通知',
    notificationsShort: '通知',
    settings: '設定',
    unread: (count: number) => `新しい通知 ${n(count)} 件`,
    account: 'アカウント',
    signOut: 'サインアウト',
  },
  preferences: {
    language: '言語',
    theme: 'テーマ',
    themeSystem: 'システム設定',
    themeLight: 'ライト',
    themeDark: 'ダーク',
  },
  signIn: {
    title: 'Bluesky でサインイン',
    intro:
      'Chronopost はあなた自身の Bluesky アカウントで投稿します。サインインはご利用の Bluesky サーバーのページで行うため、Chronopost がパスワードを知ることはありません。',
    identifierLabel: 'ハンドル、DID、またはサーバーのアドレス',
    identifierHint: '例: alice.bsky.social、did:plc:…、https://your-pds.example',
    submit: 'Bluesky へ進む',
    submitting: 'Bluesky サーバーを開いています…',
    whatHappens: 'この後の流れ',
    steps: [
      'ご利用の Bluesky サーバーのサインイン画面が開きます。そこでサインインしてください。',
      'Chronopost による投稿を許可するか確認されます。許可してください。',
      'サインインした状態でこの画面に戻ります。',
    ],
    invalidIdentifier: 'ハンドル(例: alice.bsky.social)、DID(did:plc:…)、アドレス(https://…)のいずれかを入力してください。',
    emptyIdentifier: 'Bluesky のハンドルを入力してください(例: alice.bsky.social)。',
    notFound: (identifier: string) => `「${identifier}」の Bluesky アカウントが見つかりませんでした。綴りを確認してください。`,
    rateLimited: (seconds: number | undefined) =>
      seconds
        ? `このネットワークからのサインインの試行が多すぎます。${n(Math.ceil(seconds / 60))} 分後にもう一度お試しください。`
        : 'サインインの試行が多すぎます。数分後にもう一度お試しください。',
    serverUnavailable: 'ご利用の Bluesky サーバーに接続できませんでした。少し待ってからもう一度お試しください。',
    failedTitle: 'サインインが完了しませんでした',
    heroTitle: '夜に書いて、指定の秒に投稿。',
    heroPoints: [
      { title: '時間どおりに、一度だけ', body: 'ポストもスレッドも、指定した秒に順番どおり投稿します。二重投稿はしません。' },
      { title: 'あなた自身のアカウントで', body: 'ご利用の Bluesky サーバーでサインインします。アプリパスワードは保存しません。' },
      { title: '深夜でも安心', body: '問題が起きても適切に再試行し、何が起きたかをお知らせします。' },
    ],
    retry: 'もう一度試す',
  },
  loginErrors: {
    invalid_request: 'サインイン用のリンクが不完全か改変されていたため、使用しませんでした。この画面からやり直してください。',
    expired: 'サインインに 10 分以上かかったため、期限が切れました。もう一度やり直してください(すぐに終わります)。',
    wrong_browser:
      'サインインを始めたブラウザとは別のブラウザ(または Cookie をブロックしているブラウザ)で完了しようとしました。安全のため、同じブラウザで開始から完了まで行ってください。',
    access_denied: 'Bluesky サーバーで許可しなかったため、Chronopost にはアクセス権が与えられていません。何も変更されていません。',
    server_error:
      'サインインの完了中に、ご利用の Bluesky サーバーまたは Chronopost でエラーが起きました。何も変更されていません。少し待ってからもう一度お試しください。',
    unknown: 'サインインが完了しませんでした。もう一度お試しください。',
  },
  sessionEnded: {
    invalid_refresh_token: 'セッションが終了しました。続けるにはもう一度サインインしてください。',
    refresh_token_reused:
      '同じセッションが 2 か所から同時に使われたため、安全のためにセッションを終了しました。もう一度サインインしてください。繰り返し起きる場合は、すべての場所からサインアウトしてください。',
    other: 'サインアウトしています。続けるにはもう一度サインインしてください。',
  },
  signOut: {
    title: 'サインアウトしますか?',
    waiting: (count: number) =>
      count === 0
        ? '投稿待ちのポストはありません。'
        : `投稿待ちのポストが ${n(count)} 件あります。サインアウト中は Chronopost があなたの代わりに投稿できないため、これらは保留され、投稿されません。もう一度サインインすると予定どおりに戻ります(予定時刻を過ぎていた場合は「見送り」になります)。`,
    waitingUnknown:
      '投稿待ちのポストは、もう一度サインインするまで保留され、投稿されません。サインインすると予定どおりに戻ります(予定時刻を過ぎていた場合は「見送り」になります)。',
    everywhere: 'すべてのブラウザからサインアウトし、Chronopost による Bluesky アカウントへのアクセスを終了します。',
    confirm: 'サインアウト',
    cancel: 'サインインしたままにする',
    failed: 'サインアウトできませんでした。接続を確認して、もう一度お試しください。',
    done: 'サインアウトしました。',
  },
  placeholder: {
    compose: 'スレッドを編集し、プレビューを見ながら、あなたのタイムゾーンで投稿時刻を指定できます。',
    soon: 'この画面は現在準備中です。',
    calendar: '下書き・予約済み・投稿済みのポストを、月・週・日の表示で確認できます。',
    posts: 'すべてのポストを状態ごとに絞り込んで確認できます。',
    post: 'ポストの状態、投稿の試行履歴、できる操作を確認できます。',
    notifications: 'Chronopost からのお知らせです。',
    settings: '既定のタイムゾーン、言語、返信と引用の設定、遅延時の扱いを設定できます。',
  },
  notFound: {
    title: 'ページが見つかりません',
    body: 'このアドレスには何もありません。',
    home: '作成画面へ',
  },
  errors: {
    network_error: 'Chronopost に接続できませんでした。接続を確認してください。この画面で入力した内容は残っています。',
    server_error: 'こちら側で問題が起きました。少し待ってからもう一度お試しください。',
    service_unavailable: 'Chronopost が混み合っているか、更新中です。少し待ってからもう一度お試しください。',
    gateway_timeout: 'Chronopost の応答に時間がかかりすぎました。少し待ってからもう一度お試しください。',
    bad_gateway: 'Chronopost の一部に接続できませんでした。少し待ってからもう一度お試しください。',
    unauthorized: 'セッションが終了しました。もう一度サインインしてください。',
    not_logged_in: 'サインインしていません。',
    forbidden: 'この操作はできません。',
    cross_origin_request: 'このリクエストは Chronopost のウェブアプリから送る必要があります。',
    rate_limited: 'リクエストが多すぎます。少し待ってからもう一度お試しください。',
    payload_too_large: '送信するには大きすぎます。',
    validation_failed: '確認が必要な項目があります。',
    invalid_json: 'リクエストを読み取れませんでした。',
    post_not_found: 'このポストは存在しません(または別のアカウントのものです)。',
    version_conflict: 'このポストは別の場所(別のタブや端末)で変更されました。再読み込みして最新の内容を確認してください。',
    invalid_status: 'このポストは状態が変わったため、この方法では変更できません。',
    precondition_required: '変更する前にポストを再読み込みしてください。',
    authorization_server_unavailable: 'ご利用の Bluesky サーバーに接続できませんでした。少し待ってからもう一度お試しください。',
    invalid_refresh_token: 'セッションが終了しました。もう一度サインインしてください。',
    refresh_token_reused: '安全のためセッションを終了しました。もう一度サインインしてください。',
    unknown: (message: string) => `リクエストに失敗しました: ${message}`,
  },
  common: {
    close: '閉じる',
    cancel: 'キャンセル',
    retry: 'もう一度試す',
    required: '必須',
  },
};
