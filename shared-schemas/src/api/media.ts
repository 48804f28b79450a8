import {
  IMAGE_TYPE_NAMES,
  IMAGE_TYPES,
  MAX_ALT_TEXT_LENGTH,
  MAX_IMAGE_UPLOAD_BYTES,
  MEDIA_KINDS,
  MEDIA_NOTES,
  MEDIA_REJECTIONS,
  MEDIA_STATES,
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

/** `POST /media`: what is about to be uploaded. `kind` leaves room for video. */
export const createMediaSchema = z
  .object({
    kind: z.enum(MEDIA_KINDS),
    type: z.string().max(100),
    size: z.int().positive(),
    alt: z.string().max(MAX_ALT_TEXT_LENGTH).default(''),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.kind === 'image' && !(IMAGE_TYPES as readonly string[]).includes(body.type.toLowerCase())) {
      custom(context, ['type'], 'unsupported_type', { accepted: [...IMAGE_TYPE_NAMES] });
    }
    if (body.kind === 'image' && body.size > MAX_IMAGE_UPLOAD_BYTES) {
      custom(context, ['size'], 'too_large', { maxBytes: MAX_IMAGE_UPLOAD_BYTES });
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
  /** The processed image, once `ready`. */
  mimeType: z.string().nullable(),
  bytes: z.int().nullable(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  /** A short-lived URL of the processed image, once `ready`. */
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
