/**
 * Uploaded media: what may be uploaded, the limits it is held to, where its bytes live, and why
 * an upload is refused. One place for every limit, so the API, the media Lambda, the publisher
 * and the web app cannot disagree. Video's own limits (Bluesky's) are in `video.ts`.
 */

export const MEDIA_KINDS = ['image', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * `uploading`: the media id and upload form were handed out, the bytes have not arrived (or not
 * yet been looked at); `processing`: the media Lambda is on it; `ready`: the processed image is
 * stored beside the original; `rejected`: refused, with a reason code.
 */
export const MEDIA_STATES = ['uploading', 'processing', 'ready', 'rejected'] as const;
export type MediaState = (typeof MEDIA_STATES)[number];

/** The image types accepted, as declared at upload and detected from the bytes. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/heif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Largest upload accepted (S3 refuses more through the upload form): a 48 MP phone photo fits. */
export const MAX_IMAGE_UPLOAD_BYTES = 30 * 1024 * 1024;
/** Decoding refuses images with more pixels (a 20,000 × 20,000 "pixel bomb" is 400 MP). */
export const MAX_IMAGE_INPUT_PIXELS = 64_000_000;
/** The long side of a processed image. */
export const MAX_IMAGE_SIDE = 2000;
/**
 * Bluesky's image blob limit. The lexicon allows 2,000,000 for images now, but older servers hold
 * to 976.56 KB and the PDS does not enforce it: stay at 1,000,000 unless a PDS says more.
 */
export const MAX_IMAGE_BLOB_BYTES = 1_000_000;
/** How long an upload form stays valid. */
export const UPLOAD_FORM_SECONDS = 15 * 60;
/** How long a preview URL of a processed image stays valid. */
export const PREVIEW_URL_SECONDS = 5 * 60;

/** Where the bytes live: the original as uploaded, the processed image beside it (one each per media id; a video has no processed copy). */
export const mediaKeys = (id: string) => ({ original: `${UPLOAD_PREFIX}${id}`, processed: `${PROCESSED_PREFIX}${id}` });
/** Only objects under this prefix are uploads (the bucket's notification is filtered on it). */
export const UPLOAD_PREFIX = 'uploads/';
export const PROCESSED_PREFIX = 'processed/';
/** The media id of an upload key, or undefined for any other key. */
export const mediaIdOfUploadKey = (key: string): string | undefined => {
  const match = /^uploads\/([0-9a-f-]{36})$/.exec(key);
  return match?.[1];
};

/**
 * Why an upload was refused: stable codes, stored with the upload (with their params) and put
 * into words by the message catalogue (shared-schemas `messages/media.ts`), in English and Japanese.
 * The database allows only these (a CHECK constraint).
 */
export const MEDIA_REJECTIONS = [
  'not_an_image',
  'type_mismatch',
  'unsupported_type',
  'too_many_pixels',
  'damaged',
  'too_large',
  'cannot_fit',
  'missing',
  // Videos (their limits are Bluesky's, in video.ts).
  'not_a_video',
  'unsupported_video_type',
  'video_too_long',
  'unsupported_codec',
  'needs_video_service',
  'no_video_track',
] as const;
export type MediaRejection = (typeof MEDIA_REJECTIONS)[number];

/** What processing noticed and the user should know (catalogue codes too): an animated GIF is posted as its first frame. */
export const MEDIA_NOTES = ['gif_first_frame'] as const;
export type MediaNote = (typeof MEDIA_NOTES)[number];

/** The accepted image types as people name them (`JPEG`, `HEIC`), for messages. */
export const IMAGE_TYPE_NAMES = ['JPEG', 'PNG', 'WebP', 'GIF', 'AVIF', 'HEIC'] as const;
