/**
 * Uploaded media: what may be uploaded, the limits it is held to, where its bytes live, and why
 * an upload is refused. One place for every limit, so the API, the media Lambda, the publisher
 * and the web app cannot disagree. (Video joins with its own kind.)
 */

export const MEDIA_KINDS = ['image'] as const;
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

/** Where the bytes live: the original as uploaded, the processed image beside it (one each per media id). */
export const mediaKeys = (id: string) => ({ original: `${UPLOAD_PREFIX}${id}`, processed: `${PROCESSED_PREFIX}${id}` });
/** Only objects under this prefix are uploads (the bucket's notification is filtered on it). */
export const UPLOAD_PREFIX = 'uploads/';
export const PROCESSED_PREFIX = 'processed/';
/** The media id of an upload key, or undefined for any other key. */
export const mediaIdOfUploadKey = (key: string): string | undefined => {
  const match = /^uploads\/([0-9a-f-]{36})$/.exec(key);
  return match?.[1];
};

/** Why an upload was refused: stable codes the API returns and the web app translates. */
export const MEDIA_REJECTIONS = {
  not_an_image: 'This file is not an image we can read.',
  type_mismatch: 'The file is not the type it claimed to be.',
  unsupported_type: 'This image type is not supported. Use JPEG, PNG, WebP, GIF, AVIF or HEIC.',
  too_many_pixels: `The image has too many pixels (more than ${MAX_IMAGE_INPUT_PIXELS / 1_000_000} megapixels).`,
  damaged: 'The image is damaged or incomplete.',
  too_large: 'The file is larger than declared or than uploads may be.',
  cannot_fit: `The image cannot be made small enough for Bluesky (${MAX_IMAGE_BLOB_BYTES.toLocaleString('en')} bytes).`,
  missing: 'The upload never arrived.',
} as const;
export type MediaRejection = keyof typeof MEDIA_REJECTIONS;
