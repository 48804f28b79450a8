/**
 * The rules of a post the web app applies while the user types, re-exported from the domain so the
 * browser counts, limits and names statuses exactly as the API does (the web app imports only
 * shared-schemas).
 */
export {
  AWAITING_STATUSES,
  CANCELLABLE_STATUSES,
  DEFAULT_LATE_GRACE_SECONDS,
  DEFAULT_SCHEDULE_LIMITS,
  EDITABLE_STATUSES,
  graphemeLength,
  IMAGE_TYPES,
  LATE_POLICIES,
  type LatePolicy,
  MAX_ALT_TEXT_LENGTH,
  MAX_CAPTION_BYTES,
  MAX_CAPTIONS_PER_VIDEO,
  MAX_IMAGE_UPLOAD_BYTES,
  MAX_IMAGES_PER_POST,
  MAX_POST_LANGUAGES,
  MAX_THREAD_ITEMS,
  MAX_VIDEO_UPLOAD_BYTES,
  POST_STATUSES,
  POST_TEXT_MAX_BYTES,
  POST_TEXT_MAX_GRAPHEMES,
  type PostStatus,
  RETRYABLE_STATUSES,
  SELF_LABELS,
  type SelfLabel,
  utf8Length,
  VIDEO_TYPES,
  wallClockTime,
} from '@chronopost/core';
