import {
  canonicalLanguage,
  IMAGE_TYPE_NAMES,
  IMAGE_TYPES,
  MAX_ALT_TEXT_LENGTH,
  MAX_CAPTION_BYTES,
  MAX_IMAGE_UPLOAD_BYTES,
  MAX_VIDEO_UPLOAD_BYTES,
  MEDIA_KINDS,
  MEDIA_NOTES,
  MEDIA_REJECTIONS,
  MEDIA_STATES,
  storableTextProblems,
  VIDEO_TYPE_NAMES,
  VIDEO_TYPES,
} from '@chronopost/core';
import * as z from 'zod';

/**
 * Uploads: `POST /media` hands out a media id and a presigned upload form; the browser sends the
 * file straight to storage; the media Lambda checks and processes it; `GET /media/{id}` tells
 * the state. The API never carries the bytes.
 */

/** An issue of ours: a catalogue code (messages/media.ts) and its params; the sentence is the catalogue's. */
const custom = (context: z.RefinementCtx, path: PropertyKey[], code: string, params: Record<string, unknown> = {}) =>
  context.addIssue({ code: 'custom', path, params: { code, ...params } });

/** `POST /media`: what is about to be uploaded, an image or a video. */
export const createMediaSchema = z
  .object({
    kind: z.enum(MEDIA_KINDS),
    type: z.string().max(100),
    size: z.int().positive(),
    alt: z
      .string()
      .max(MAX_ALT_TEXT_LENGTH)
      .default('')
      // Stored as text, and copied into a post's embed (jsonb): neither takes NUL.
      .superRefine((alt, context) => {
        for (const problem of storableTextProblems(alt)) custom(context, [], problem.code, problem.params);
      }),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.kind === 'image' && !(IMAGE_TYPES as readonly string[]).includes(body.type.toLowerCase())) {
      custom(context, ['type'], 'unsupported_type', { accepted: [...IMAGE_TYPE_NAMES] });
    }
    if (body.kind === 'image' && body.size > MAX_IMAGE_UPLOAD_BYTES) {
      custom(context, ['size'], 'too_large', { maxBytes: MAX_IMAGE_UPLOAD_BYTES });
    }
    if (body.kind === 'video' && !(VIDEO_TYPES as readonly string[]).includes(body.type.toLowerCase())) {
      custom(context, ['type'], 'unsupported_video_type', { accepted: [...VIDEO_TYPE_NAMES] });
    }
    if (body.kind === 'video' && body.size > MAX_VIDEO_UPLOAD_BYTES) {
      custom(context, ['size'], 'too_large', { maxBytes: MAX_VIDEO_UPLOAD_BYTES });
    }
  })
  .transform((body) => ({ ...body, type: body.type.toLowerCase() }));
export type CreateMediaInput = z.input<typeof createMediaSchema>;

export const mediaRejectionSchema = z.enum(MEDIA_REJECTIONS);

/** An upload as the API shows it. */
export const mediaSchema = z.object({
  id: z.uuid(),
  kind: z.enum(MEDIA_KINDS),
  state: z.enum(MEDIA_STATES),
  /** Set when `rejected`: `code` and `params` from the message catalogue, `message` in English. */
  reason: z.object({ code: mediaRejectionSchema, params: z.record(z.string(), z.unknown()), message: z.string() }).nullable(),
  /** What processing noticed, as catalogue codes: `gif_first_frame` (an animated GIF is posted as its first frame). */
  notes: z.array(z.enum(MEDIA_NOTES)),
  alt: z.string(),
  /** The processed image (or the checked video), once `ready`. */
  mimeType: z.string().nullable(),
  bytes: z.int().nullable(),
  /** Display size: the post's `aspectRatio`. */
  width: z.int().nullable(),
  height: z.int().nullable(),
  /** A video's length and codec (sample-entry code, e.g. `avc1`), once `ready`. */
  durationMs: z.int().nullable(),
  codec: z.string().nullable(),
  /** A video's captions: one WebVTT file per language. */
  captions: z.array(z.object({ lang: z.string(), bytes: z.int() })),
  /** A short-lived URL of the processed image or the video, once `ready`. */
  previewUrl: z.url().nullable(),
  createdAt: z.iso.datetime(),
});
export type Media = z.infer<typeof mediaSchema>;

/**
 * A browser-based upload to S3: POST `url` as multipart/form-data with every field of `fields`,
 * then the file last, as `file`. S3 refuses a file of another size or type than declared.
 */
export const uploadFormSchema = z.object({
  url: z.url(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
});

/**
 * `PUT /media/{id}/captions/{lang}`: a video's captions in one language, as WebVTT text (at most
 * 20,000 bytes: Bluesky's limit for a caption file).
 */
export const captionsInputSchema = z
  .object({
    vtt: z.string().superRefine((text, context) => {
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > MAX_CAPTION_BYTES) custom(context, [], 'too_large', { maxBytes: MAX_CAPTION_BYTES });
      // A WebVTT file starts with "WEBVTT" (after an optional byte order mark), then a space, tab or line end.
      if (!/^\uFEFF?WEBVTT(?:[ \t\r\n]|$)/.test(text)) custom(context, [], 'not_webvtt');
      // PostgreSQL stores no NUL; CR is a WebVTT line ending, not a stray control character.
      for (const problem of storableTextProblems(text.replaceAll('\r', ''))) custom(context, [], problem.code, problem.params);
    }),
  })
  .strict();

/** The `{lang}` of a captions route: a language tag, canonicalised (`ja`, `pt-BR`). */
export const captionLanguageSchema = z.string().transform((value, context) => {
  const lang = canonicalLanguage(value);
  if (!lang) {
    custom(context, [], 'invalid_language', { tag: value.slice(0, 64) });
    return z.NEVER;
  }
  return lang;
});

export const createMediaResponseSchema = z.object({ media: mediaSchema, upload: uploadFormSchema });

/** `POST /link-preview`: a link card for this address. */
export const linkPreviewRequestSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
  })
  .strict();

export const linkPreviewSchema = z.object({
  /** The address the card links to (the one asked for). */
  uri: z.string(),
  title: z.string(),
  description: z.string(),
  /** The page's image, uploaded into the media pipeline; poll `GET /media/{id}` until `ready`. */
  thumbMediaId: z.uuid().nullable(),
});
export type LinkPreview = z.infer<typeof linkPreviewSchema>;
