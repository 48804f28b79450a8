import * as z from 'zod';
import { defineMessages, message, none } from './define';
import { durationEn, durationJa } from './durations';

const bytes = z.number().int().nonnegative();
const MIB = 1024 * 1024;
/**
 * Whole megabytes, if the size is some: decimal (Bluesky's limits, 1,000,000 and 100,000,000
 * bytes) or binary (ours for images, 30 MiB). Either reads "MB" to people.
 */
const megabytes = (count: number): number | undefined =>
  count >= 1_000_000 && count % 1_000_000 === 0 ? count / 1_000_000 : count >= MIB && count % MIB === 0 ? count / MIB : undefined;
/** A size as people read it: whole megabytes from 1 MB up, bytes otherwise. */
const sizeEn = (count: number) => {
  const mb = megabytes(count);
  return mb === undefined ? `${count.toLocaleString('en')} bytes` : `${mb.toLocaleString('en')} MB`;
};
const sizeJa = (count: number) => {
  const mb = megabytes(count);
  return mb === undefined ? `${count.toLocaleString('en')}バイト` : `${mb.toLocaleString('en')}MB`;
};
const names = z.object({ accepted: z.array(z.string()) });

/**
 * Uploads and link cards: why the media Lambda rejected an upload (stored on the upload as code
 * and params, `MEDIA_REJECTIONS` in core), what processing noticed (`MEDIA_NOTES`), and why a
 * link card could not be made (the `url` issue of `POST /link-preview`: the safe fetcher's
 * refusals, or a page that could not be had).
 */
export const mediaMessages = defineMessages({
  // Rejections (also the codes of POST /media's own checks of the declared type and size).
  not_an_image: message(
    none,
    () => 'This file is not an image we can read.',
    () => 'このファイルは読み込める画像ではありません。',
  ),
  type_mismatch: message(
    () => z.object({ declared: z.string().optional(), detected: z.string().optional() }),
    (p) =>
      `The file is not the type it claimed to be${p.declared && p.detected ? ` (${p.declared}, but its content is ${p.detected})` : ''}.`,
    (p) =>
      `ファイルの中身が申告された形式と異なります${p.declared && p.detected ? `（${p.declared} として送信されましたが、中身は ${p.detected} です）` : ''}。`,
  ),
  unsupported_type: message(
    () => z.object({ accepted: z.array(z.string()) }),
    (p) => `This image type is not supported. Use ${p.accepted.join(', ')}.`,
    (p) => `この画像形式には対応していません。${p.accepted.join('、')}のいずれかを使ってください。`,
  ),
  too_many_pixels: message(
    () => z.object({ maxMegapixels: z.number() }),
    (p) => `The image has too many pixels (more than ${p.maxMegapixels} megapixels).`,
    (p) => `画像の画素数が多すぎます（上限は${p.maxMegapixels}メガピクセルです）。`,
  ),
  damaged: message(
    // `kind` is set for a video (rows stored before videos have none: an image).
    () => z.object({ kind: z.enum(['image', 'video']).optional() }),
    (p) => (p.kind === 'video' ? 'The video is damaged or incomplete.' : 'The image is damaged or incomplete.'),
    (p) => (p.kind === 'video' ? '動画が壊れているか、途中までしかありません。' : '画像が壊れているか、途中までしかありません。'),
  ),
  too_large: message(
    () => z.object({ maxBytes: bytes, declaredBytes: bytes.optional() }),
    (p) =>
      p.declaredBytes === undefined
        ? `The file is too large: uploads may be at most ${sizeEn(p.maxBytes)}.`
        : `The file that arrived is not the size declared for it (${sizeEn(p.declaredBytes)}), or is larger than uploads may be (${sizeEn(p.maxBytes)}).`,
    (p) =>
      p.declaredBytes === undefined
        ? `ファイルが大きすぎます。アップロードできるのは${sizeJa(p.maxBytes)}までです。`
        : `届いたファイルが申告されたサイズ（${sizeJa(p.declaredBytes)}）と異なるか、アップロードの上限（${sizeJa(p.maxBytes)}）を超えています。`,
  ),
  cannot_fit: message(
    () => z.object({ maxBytes: bytes }),
    (p) => `The image cannot be made small enough for Bluesky (${sizeEn(p.maxBytes)}).`,
    (p) => `画像を Bluesky の上限（${sizeJa(p.maxBytes)}）まで小さくできませんでした。`,
  ),
  missing: message(
    none,
    () => 'The uploaded file is no longer in storage. Upload it again.',
    () => 'アップロードされたファイルが保存先に見つかりませんでした。もう一度アップロードしてください。',
  ),
  not_a_video: message(
    none,
    () => 'This file is not a video we can read.',
    () => 'このファイルは読み込める動画ではありません。',
  ),
  unsupported_video_type: message(
    () => names,
    (p) => `This video type is not supported. Use ${p.accepted.join(' or ')}; WebM cannot be posted to Bluesky as it is.`,
    (p) => `この動画形式には対応していません。${p.accepted.join('または')}を使ってください。WebM はそのままでは Bluesky に投稿できません。`,
  ),
  video_too_long: message(
    () => z.object({ maxSeconds: z.number().int().positive(), seconds: z.number().int().nonnegative().optional() }),
    (p) =>
      `The video is longer than Bluesky allows (${durationEn(p.maxSeconds)}${p.seconds === undefined ? '' : `; this one is ${durationEn(p.seconds)}`}).`,
    (p) =>
      `動画が Bluesky の上限（${durationJa(p.maxSeconds)}）より長いです${p.seconds === undefined ? '' : `（この動画は${durationJa(p.seconds)}）`}。`,
  ),
  unsupported_codec: message(
    () => names,
    (p) => `Bluesky cannot play this video's codec. Use ${p.accepted.join(', ')}.`,
    (p) => `この動画のコーデックは Bluesky で再生できません。${p.accepted.join('、')}のいずれかを使ってください。`,
  ),
  needs_video_service: message(
    () => names,
    (p) =>
      `Your Bluesky server has no video service and posts a video as it is: only an MP4 with ${p.accepted.join(', ')} video works there.`,
    (p) =>
      `お使いの Bluesky サーバーには動画サービスがなく、動画はそのまま投稿されます。そこで使えるのは ${p.accepted.join('、')} の MP4 だけです。`,
  ),
  no_video_track: message(
    none,
    () => 'The file has no video in it.',
    () => 'このファイルには映像が含まれていません。',
  ),

  // Notes on a processed upload.
  gif_first_frame: message(
    none,
    () => 'This GIF is animated; only its first frame is posted.',
    () => 'このGIFはアニメーションのため、最初のコマだけが投稿されます。',
  ),

  // Requests about uploads.
  media_in_use: message(
    none,
    () => 'A post uses this upload; remove it from the post first.',
    () => 'このファイルは投稿で使われています。先に投稿から外してください。',
  ),

  // Link cards: why `POST /link-preview` could not read the page.
  unreachable: message(
    () => z.object({ status: z.number().int().optional() }),
    (p) => (p.status === undefined ? 'The page could not be reached.' : `The page answered ${p.status}.`),
    (p) => (p.status === undefined ? 'ページに接続できませんでした。' : `ページがステータス ${p.status} を返しました。`),
  ),
  blocked_address: message(
    none,
    () => 'This address points into a private network; only public web pages can be previewed.',
    () => 'このアドレスはプライベートネットワークを指しています。プレビューできるのは公開されたウェブページだけです。',
  ),
  blocked_port: message(
    none,
    () => 'Only pages on the usual web ports (80, 443) can be previewed.',
    () => 'プレビューできるのは通常のウェブ用ポート（80、443）のページだけです。',
  ),
  blocked_protocol: message(
    none,
    () => 'Only http and https pages can be previewed.',
    () => 'プレビューできるのは http または https のページだけです。',
  ),
  too_many_redirects: message(
    none,
    () => 'The page redirects too many times.',
    () => 'ページのリダイレクトが多すぎます。',
  ),
  body_too_large: message(
    none,
    () => 'The page is too large to preview.',
    () => 'ページが大きすぎるためプレビューできません。',
  ),
  unsupported_content_type: message(
    none,
    () => 'This address is not a web page.',
    () => 'このアドレスはウェブページではありません。',
  ),
  timeout: message(
    none,
    () => 'The page took too long to answer.',
    () => 'ページの応答に時間がかかりすぎました。',
  ),
  invalid_url: message(
    none,
    () => 'The page redirects to an invalid address.',
    () => 'ページが無効なアドレスにリダイレクトしています。',
  ),
});
export type MediaMessageCode = keyof typeof mediaMessages;
