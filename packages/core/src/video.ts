/**
 * Video: Bluesky's limits and the two ways a video reaches an account, in one place, so the API,
 * the media Lambda, the publisher and the web app cannot disagree.
 *
 * Where each number comes from (checked against the lexicons of @atproto/api 0.21.0):
 * - `app.bsky.embed.video#main.video`: a blob, `accept: ["video/mp4"]`, `maxSize: 300000000`
 *   ("May be up to 300mb, formerly limited to 100mb").
 * - `app.bsky.embed.video#caption`: `lang` (a language tag) and `file`, a blob with
 *   `accept: ["text/vtt"]`, `maxSize: 20000`; `captions` has `maxLength: 20`.
 * - `app.bsky.embed.defs#aspectRatio`: integer width and height, each ≥ 1.
 * - The duration limit is no lexicon's: the video service refuses longer videos (`VideoTooLong` in
 *   `app.bsky.video.startUpload`); Bluesky allows 3 minutes (since March 2025).
 * - Daily limits (25 videos / 10 GB a day when written) and an unverified e-mail are the video
 *   service's, asked at publication with `app.bsky.video.getUploadLimits`, never hard-coded.
 */

/**
 * What the composer may upload as a video. WebM is refused (`unsupported_video_type`): without
 * ffmpeg we cannot turn it into the MP4 the record must hold, and a PDS without the video service
 * would store it as it is.
 */
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'] as const;
export type VideoType = (typeof VIDEO_TYPES)[number];
/** The accepted video types as people name them, for messages. */
export const VIDEO_TYPE_NAMES = ['MP4', 'MOV (QuickTime)'] as const;

/**
 * Largest video accepted. The lexicon allows blobs up to 300,000,000 bytes; Bluesky's video service
 * took 100 MB per file when this was written, and the publisher holds a video in memory while it
 * uploads it, so the smaller of the two.
 */
export const MAX_VIDEO_UPLOAD_BYTES = 100_000_000;
/** The lexicon's own ceiling for the video blob (`app.bsky.embed.video`). */
export const VIDEO_BLOB_MAX_BYTES = 300_000_000;
/** Longest video Bluesky takes. */
export const MAX_VIDEO_DURATION_SECONDS = 180;
/** The only type the record's video blob may have. */
export const VIDEO_BLOB_MIME = 'video/mp4';

/** Captions: WebVTT, one file per language, each at most 20,000 bytes, at most 20 per video. */
export const CAPTION_MIME = 'text/vtt';
export const MAX_CAPTION_BYTES = 20_000;
export const MAX_CAPTIONS_PER_VIDEO = 20;

/**
 * How a video reaches the account's PDS:
 * - `video_service`: Bluesky's video service (`app.bsky.video.uploadVideo`) transcodes it and
 *   stores the result on the PDS with a service token; the post references that blob. Accounts on
 *   Bluesky's own PDSes go this way (so the video plays the moment the post appears).
 * - `direct`: `com.atproto.repo.uploadBlob` to the PDS, the file as it is (a self-hosted PDS
 *   without a video service). The PDS judges the blob's type from its bytes, so only a real MP4
 *   passes the record's `accept: video/mp4`.
 */
export const VIDEO_PATHS = ['video_service', 'direct'] as const;
export type VideoPath = (typeof VIDEO_PATHS)[number];

/**
 * A video's upload to its PDS: `uploading` (sending the bytes), `processing` (the video service's
 * job runs), `ready` (the PDS has the blob), `failed` (refused, with a reason).
 */
export const VIDEO_UPLOAD_STATES = ['uploading', 'processing', 'ready', 'failed'] as const;
export type VideoUploadState = (typeof VIDEO_UPLOAD_STATES)[number];

/**
 * Why a video's upload to its PDS failed for good (`video_uploads.reason_code`, with its params):
 * codes of the publishing message catalogue, as the post that carries the video then shows.
 */
export const VIDEO_UPLOAD_FAILURES = ['video_upload_limit', 'video_upload_refused', 'video_job_failed'] as const;
export type VideoUploadFailure = (typeof VIDEO_UPLOAD_FAILURES)[number];

/** The PDS hosts whose accounts use the video service by default: Bluesky's own. */
export const DEFAULT_VIDEO_SERVICE_PDS_HOSTS = ['bsky.network', 'bsky.social'] as const;

/**
 * Which path an account's videos take, from its PDS address: the video service when the PDS's
 * host is one of `hosts` or below one (`bsky.network` covers `morel.us-east.host.bsky.network`),
 * or `hosts` holds `*`; direct otherwise.
 */
export function videoPathFor(pdsUrl: string, hosts: readonly string[]): VideoPath {
  let host: string;
  try {
    host = new URL(pdsUrl).hostname.toLowerCase();
  } catch {
    return 'direct';
  }
  const matches = hosts.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return wanted === '*' || host === wanted || host.endsWith(`.${wanted}`);
  });
  return matches ? 'video_service' : 'direct';
}

/**
 * Video codecs by sample-entry code (MP4/MOV), per path. The video service transcodes, and takes
 * what phones and browsers record: H.264, HEVC, VP9, AV1. The direct path posts the file as it is,
 * so only H.264, which every Bluesky client plays.
 */
export const VIDEO_CODECS: Record<VideoPath, readonly string[]> = {
  video_service: ['avc1', 'avc3', 'hvc1', 'hev1', 'vp09', 'av01'],
  direct: ['avc1', 'avc3'],
};
export const VIDEO_CODEC_NAMES: Record<VideoPath, readonly string[]> = {
  video_service: ['H.264', 'HEVC', 'VP9', 'AV1'],
  direct: ['H.264'],
};

/** What the media Lambda read from a video's container. */
export interface VideoProbe {
  /** The type detected from the bytes. */
  mime: string;
  durationSeconds: number;
  /** Display size (a rotation in the track matrix already applied), for `aspectRatio`. */
  width: number;
  height: number;
  /** The sample-entry code of the video track (`avc1`, `hvc1`, …), or undefined without a video track. */
  codec: string | undefined;
}

/**
 * Why Bluesky would refuse this video on this path, or undefined if it takes it. Checked at upload,
 * so a video that would fail at 3 a.m. is refused while the user is still there.
 */
export function videoProblem(
  probe: VideoProbe,
  path: VideoPath,
): 'no_video_track' | 'video_too_long' | 'unsupported_codec' | 'needs_video_service' | 'damaged' | undefined {
  if (!probe.codec) return 'no_video_track';
  if (!(probe.width >= 1 && probe.height >= 1)) return 'damaged';
  if (!(probe.durationSeconds > 0)) return 'damaged';
  if (probe.durationSeconds > MAX_VIDEO_DURATION_SECONDS) return 'video_too_long';
  const codec = probe.codec.slice(0, 4).toLowerCase();
  if (!VIDEO_CODECS.video_service.includes(codec)) return 'unsupported_codec';
  if (path === 'direct' && (probe.mime !== VIDEO_BLOB_MIME || !VIDEO_CODECS.direct.includes(codec))) return 'needs_video_service';
  return undefined;
}

/**
 * Preparing ahead: a video is uploaded this long before its post is due (the video service's
 * job can take minutes), so the post still goes out on its second.
 */
export const VIDEO_PREPARE_LEAD_SECONDS = 10 * 60;
/**
 * How long a stored video blob is used again before it is uploaded anew. `uploadBlob`'s lexicon
 * lets a PDS delete a blob no record references "within a time window (eg, minutes)"; the
 * reference PDS (@atproto/pds 0.5) has no such sweep yet (atproto#2051), but operators add one
 * (an S3 lifecycle rule, a timer on the disk store), and a blob whose last record is deleted goes
 * at once. Our own flow, counted from the upload's start, keeps an unreferenced blob for the lead
 * time plus the retries after the post is due (10 + 0.5 + 2 + 8 min) and a job of a few minutes:
 * 30 minutes covers that, and a reschedule, a retry hours later or the same video in another post
 * uploads again instead of naming a blob that may be gone (the video service counts it against
 * the account's daily videos: the bound is not shorter than our flow needs).
 */
export const VIDEO_BLOB_MAX_AGE_SECONDS = 30 * 60;
/** While a job is still processing when its post is due, the publisher looks again this soon. */
export const VIDEO_PROCESSING_RECHECK_MS = 20_000;
/**
 * With late policy `publish`, how long after its time a post may still wait for its video (each
 * look is an attempt; publish messages count at most 100).
 */
export const VIDEO_PROCESSING_MAX_WAIT_SECONDS = 20 * 60;
