import * as z from 'zod';
import { defineMessages, message, none } from './define';
import { durationEn, durationJa } from './durations';

/**
 * Problems with one field of a request: zod's own issue codes (rendered from the facts zod gives,
 * such as the limit) and our rules (Bluesky's limits, times, languages). The API sends each as
 * `{ path, code, params, message }`.
 */

const origin = z.string().default('value');
const limit = z.union([z.number(), z.bigint()]).transform(Number);
const unit = (kind: string, n: number, lang: 'en' | 'ja') => {
  if (kind === 'string') return lang === 'en' ? (n === 1 ? 'character' : 'characters') : '文字';
  if (kind === 'array' || kind === 'set') return lang === 'en' ? (n === 1 ? 'item' : 'items') : '件';
  if (kind === 'file') return lang === 'en' ? 'bytes' : 'バイト';
  return '';
};

export const validationMessages = defineMessages({
  invalid_type: message(
    () => z.object({ expected: z.string().default('value') }).loose(),
    (p) => (p.expected === 'nonoptional' || p.expected === 'undefined' ? 'This is required.' : `Expected ${article(p.expected)}.`),
    (p) => (p.expected === 'nonoptional' ? '入力してください。' : `${typeJa(p.expected)}で指定してください。`),
  ),
  too_big: message(
    () => z.object({ origin, maximum: limit, inclusive: z.boolean().default(true) }).loose(),
    (p) =>
      p.origin === 'number' || p.origin === 'int' || p.origin === 'bigint'
        ? `Must be at most ${p.maximum}.`
        : `Must have at most ${p.maximum} ${unit(p.origin, p.maximum, 'en')}.`.replace('  ', ' '),
    (p) =>
      p.origin === 'number' || p.origin === 'int' || p.origin === 'bigint'
        ? `${p.maximum}以下にしてください。`
        : `${p.maximum}${unit(p.origin, p.maximum, 'ja')}以内にしてください。`,
  ),
  too_small: message(
    () => z.object({ origin, minimum: limit, inclusive: z.boolean().default(true) }).loose(),
    (p) =>
      p.origin === 'number' || p.origin === 'int' || p.origin === 'bigint'
        ? `Must be at least ${p.minimum}.`
        : p.minimum === 1 && p.origin === 'string'
          ? 'This cannot be empty.'
          : `Must have at least ${p.minimum} ${unit(p.origin, p.minimum, 'en')}.`.replace('  ', ' '),
    (p) =>
      p.origin === 'number' || p.origin === 'int' || p.origin === 'bigint'
        ? `${p.minimum}以上にしてください。`
        : p.minimum === 1 && p.origin === 'string'
          ? '入力してください。'
          : `${p.minimum}${unit(p.origin, p.minimum, 'ja')}以上にしてください。`,
  ),
  invalid_format: message(
    () => z.object({ format: z.string().default('text') }).loose(),
    (p) => `Not a valid ${FORMAT_EN[p.format] ?? p.format}.`,
    (p) => `${FORMAT_JA[p.format] ?? p.format}の形式が正しくありません。`,
  ),
  invalid_value: message(
    () => z.object({ values: z.array(z.unknown()).default([]) }).loose(),
    (p) => (p.values.length ? `Use one of: ${p.values.map(String).join(', ')}.` : 'This value is not allowed.'),
    (p) => (p.values.length ? `次のいずれかを指定してください: ${p.values.map(String).join('、')}` : 'この値は使えません。'),
  ),
  unrecognized_keys: message(
    () => z.object({ keys: z.array(z.string()).default([]) }).loose(),
    (p) => `Unknown field${p.keys.length === 1 ? '' : 's'}: ${p.keys.join(', ')}. Remove ${p.keys.length === 1 ? 'it' : 'them'}.`,
    (p) => `不明な項目があります: ${p.keys.join('、')}。削除してください。`,
  ),
  invalid_union: message(
    none,
    () => 'This value does not match any accepted form.',
    () => 'この値はどの形式にも当てはまりません。',
  ),
  invalid_key: message(
    none,
    () => 'This key is not valid.',
    () => 'キーが正しくありません。',
  ),
  invalid_element: message(
    none,
    () => 'An element is not valid.',
    () => '要素が正しくありません。',
  ),
  not_multiple_of: message(
    () => z.object({ divisor: limit }).loose(),
    (p) => `Must be a multiple of ${p.divisor}.`,
    (p) => `${p.divisor}の倍数にしてください。`,
  ),
  custom: message(
    none,
    () => 'This value is not valid.',
    () => 'この値は正しくありません。',
  ),

  // Post text (Bluesky's rules).
  empty: message(
    none,
    () => 'Write something, or attach an image, a link or a quote.',
    () => '本文を入力するか、画像・リンク・引用を添付してください。',
  ),
  too_long: message(
    () => z.object({ graphemes: z.number(), max: z.number() }),
    (p) => `The text is ${p.graphemes} characters long; Bluesky allows ${p.max}.`,
    (p) => `本文が${p.graphemes}文字あります。Blueskyでは${p.max}文字までです。`,
  ),
  too_many_bytes: message(
    () => z.object({ bytes: z.number(), max: z.number() }),
    (p) => `The text takes ${p.bytes} bytes; Bluesky allows ${p.max} (emoji and some scripts take several each).`,
    (p) => `本文が${p.bytes}バイトあります。Blueskyでは${p.max}バイトまでです（絵文字や一部の文字は1文字で数バイトになります）。`,
  ),
  control_character: message(
    none,
    () => 'Remove the invisible control characters from the text.',
    () => '目に見えない制御文字が含まれています。削除してください。',
  ),
  invalid_unicode: message(
    none,
    () => 'The text contains broken Unicode characters.',
    () => '壊れた文字（不正なUnicode）が含まれています。',
  ),
  invalid_language: message(
    () => z.object({ tag: z.string() }),
    (p) => `“${p.tag}” is not a language tag (like en, ja or pt-BR).`,
    (p) => `「${p.tag}」は言語タグではありません（en、ja、pt-BR のように指定してください）。`,
  ),
  duplicate_language: message(
    () => z.object({ tag: z.string() }),
    (p) => `${p.tag} is listed twice.`,
    (p) => `${p.tag} が重複しています。`,
  ),
  duplicate_label: message(
    none,
    () => 'Each label can be given once.',
    () => '同じラベルは一度だけ指定できます。',
  ),

  // Times.
  invalid_time: message(
    () => z.object({ hint: z.enum(['add_zone', 'format', 'nonexistent_date', 'out_of_range']).default('format') }),
    (p) =>
      ({
        add_zone: 'Add an offset (…+01:00, …Z) or a time zone (…[Europe/Paris]) to the time.',
        format: 'Give the time as ISO 8601, e.g. 2026-12-24T18:00:00+01:00 or 2026-12-24T18:00:00[Europe/Paris].',
        nonexistent_date: 'That date or time does not exist.',
        out_of_range: 'That date is outside the range we accept (years 1970 to 9999).',
      })[p.hint],
    (p) =>
      ({
        add_zone: '時刻にオフセット（…+09:00、…Z）またはタイムゾーン（…[Asia/Tokyo]）を付けてください。',
        format: '日時は ISO 8601 形式で指定してください（例: 2026-12-24T18:00:00+09:00、2026-12-24T18:00:00[Asia/Tokyo]）。',
        nonexistent_date: 'その日付・時刻は存在しません。',
        out_of_range: '受け付けられる範囲（1970年〜9999年）外の日付です。',
      })[p.hint],
  ),
  invalid_time_zone: message(
    () => z.object({ zone: z.string() }),
    (p) => `“${p.zone}” is not a time zone (use an IANA name such as Europe/Paris).`,
    (p) => `「${p.zone}」はタイムゾーンではありません（Asia/Tokyo のような IANA 名で指定してください）。`,
  ),
  inconsistent_offset: message(
    () => z.object({ offset: z.string(), zone: z.string() }),
    (p) => `The offset ${p.offset} is not ${p.zone}'s offset at that time.`,
    (p) => `オフセット ${p.offset} は、その時刻の ${p.zone} のオフセットと一致しません。`,
  ),
  nonexistent_local_time: message(
    () => z.object({ zone: z.string() }),
    (p) => `That time does not exist in ${p.zone} (the clocks skip it).`,
    (p) => `その時刻は ${p.zone} には存在しません（夏時間の切り替えで飛ばされる時刻です）。`,
  ),
  too_soon: message(
    () => z.object({ minLeadSeconds: z.number() }),
    (p) => `Schedule at least ${durationEn(p.minLeadSeconds)} ahead (publish now by picking a time just after).`,
    (p) => `予約は${durationJa(p.minLeadSeconds)}以上先の時刻にしてください（すぐに投稿したい場合は少し先の時刻を選んでください）。`,
  ),
  too_far: message(
    () => z.object({ maxAheadDays: z.number() }),
    (p) => `Schedule at most ${p.maxAheadDays} days ahead.`,
    (p) => `予約できるのは${p.maxAheadDays}日先までです。`,
  ),

  // Posts, embeds and their references.
  invalid_post_uri: message(
    none,
    () => 'Give the post to quote as its bsky.app link or its at:// URI.',
    () => '引用する投稿は bsky.app のリンクか at:// URI で指定してください。',
  ),
  invalid_list_uri: message(
    none,
    () => 'Give the list as its at:// URI.',
    () => 'リストは at:// URI で指定してください。',
  ),
  invalid_media_id: message(
    none,
    () => 'Upload the image first and give its media id.',
    () => '先に画像をアップロードし、そのメディアIDを指定してください。',
  ),
  invalid_link: message(
    none,
    () => 'A link card needs an http(s) address.',
    () => 'リンクカードには http(s) のアドレスが必要です。',
  ),
  media_not_found: message(
    none,
    () => 'There is no such upload among yours.',
    () => 'アップロード済みのファイルに該当するものがありません。',
  ),
  media_rejected: message(
    none,
    () => 'This upload was rejected (not an image or video we can post); upload another.',
    () => 'このファイルは投稿できる画像・動画ではなかったため受け付けられませんでした。別のファイルをアップロードしてください。',
  ),
  media_kind_mismatch: message(
    () => z.object({ kind: z.enum(['image', 'video']), expected: z.enum(['image', 'video']) }),
    (p) => `This upload is ${p.kind === 'video' ? 'a video' : 'an image'}, not ${p.expected === 'video' ? 'a video' : 'an image'}.`,
    (p) => `このファイルは${p.kind === 'video' ? '動画' : '画像'}です。${p.expected === 'video' ? '動画' : '画像'}を指定してください。`,
  ),

  // Captions of a video (`PUT /media/{id}/captions/{lang}`; a caption file too large is media's `too_large`).
  not_webvtt: message(
    none,
    () => 'Captions must be a WebVTT (text/vtt) file starting with WEBVTT.',
    () => '字幕は WEBVTT で始まる WebVTT（text/vtt）ファイルにしてください。',
  ),
  too_many_captions: message(
    () => z.object({ max: z.number() }),
    (p) => `A video can have captions in at most ${p.max} languages.`,
    (p) => `字幕を付けられる言語は1本の動画につき${p.max}までです。`,
  ),
  captions_need_video: message(
    none,
    () => 'Only a video can have captions.',
    () => '字幕を付けられるのは動画だけです。',
  ),
  nothing_to_change: message(
    none,
    () => 'Nothing to change.',
    () => '変更する項目がありません。',
  ),
  invalid_cursor: message(
    none,
    () => 'This cursor is not one we gave out; start from the first page.',
    () => 'このカーソルは無効です。最初のページから読み込み直してください。',
  ),
  invalid_if_match: message(
    none,
    () => 'If-Match must be the ETag of the post, like "3".',
    () => 'If-Match には投稿の ETag（例: "3"）を指定してください。',
  ),
  version_mismatch: message(
    none,
    () => 'If-Match and version disagree.',
    () => 'If-Match と version が一致しません。',
  ),
  invalid_json: message(
    none,
    () => 'The request body is not valid JSON.',
    () => 'リクエスト本文が正しい JSON ではありません。',
  ),

  // Login.
  invalid_identifier: message(
    none,
    () => 'This is not a handle (like alice.bsky.social), a DID (did:plc:…) or an address (https://…).',
    () => 'ハンドル（例: alice.bsky.social）、DID（did:plc:…）、またはアドレス（https://…）を入力してください。',
  ),
  identifier_not_public: message(
    none,
    () => 'This address is not a public server, so it cannot be used to log in.',
    () => 'このアドレスは公開サーバーではないため、ログインには使えません。',
  ),
  invalid_return_url: message(
    () => z.object({ origin: z.string() }),
    (p) => `Must be a path or a URL on ${p.origin}.`,
    (p) => `${p.origin} 上のパスまたは URL を指定してください。`,
  ),

  // Warnings (the request succeeds, but something may go wrong at publication).
  unresolved_mention: message(
    () => z.object({ handle: z.string() }),
    (p) => `@${p.handle} cannot be found right now. We will try again when publishing; if it still cannot be found, it stays plain text.`,
    (p) =>
      `@${p.handle} が現在見つかりません。投稿時にもう一度確認し、それでも見つからない場合はメンションではなく通常の文字として投稿されます。`,
  ),
  too_many_mentions: message(
    () => z.object({ max: z.number() }),
    (p) => `Only the first ${p.max} different mentions are checked now; the others are checked when publishing.`,
    (p) => `今確認できるメンションは最初の${p.max}件までです。残りは投稿時に確認します。`,
  ),
});

const FORMAT_EN: Record<string, string> = {
  uuid: 'id',
  url: 'address (URL)',
  datetime: 'date and time (ISO 8601)',
  email: 'email address',
  regex: 'value',
};
const FORMAT_JA: Record<string, string> = {
  uuid: 'ID',
  url: 'アドレス（URL）',
  datetime: '日時（ISO 8601）',
  email: 'メールアドレス',
  regex: '値',
};
const TYPES_JA: Record<string, string> = {
  string: '文字列',
  number: '数値',
  int: '整数',
  boolean: '真偽値（true / false）',
  array: '配列',
  object: 'オブジェクト',
};
const typeJa = (type: string) => TYPES_JA[type] ?? type;
const article = (type: string) =>
  type === 'array' || type === 'object' || type === 'int' ? `an ${type === 'int' ? 'integer' : type}` : `a ${type}`;
