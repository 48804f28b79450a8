import {
  MAX_VIDEO_DURATION_SECONDS,
  type MediaRejection,
  VIDEO_CODEC_NAMES,
  VIDEO_TYPE_NAMES,
  type VideoPath,
  type VideoProbe,
  videoProblem,
} from '@chronopost/core';
import type { MediaRejectionReason } from '@chronopost/db';
import { fileTypeFromBuffer } from 'file-type';
import { createFile, type Movie, type MP4BoxBuffer } from 'mp4box';

/** Reads bytes `start`…`end` (inclusive) of the upload: a range request to storage. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>;

export type VideoOutcome = { ok: true; probe: VideoProbe } | { ok: false; reason: MediaRejectionReason; detail: string };

const reject = (code: MediaRejection, detail: string, params: Record<string, unknown> = {}): VideoOutcome => ({
  ok: false,
  reason: { code, params },
  detail,
});

/** The params each video refusal's message needs (messages/media.ts): the limit that was not met. */
const videoParams = (code: MediaRejection, path: VideoPath, probe?: VideoProbe): Record<string, unknown> => {
  switch (code) {
    case 'unsupported_video_type':
      return { accepted: [...VIDEO_TYPE_NAMES] };
    case 'video_too_long':
      return { maxSeconds: MAX_VIDEO_DURATION_SECONDS, ...(probe ? { seconds: Math.ceil(probe.durationSeconds) } : {}) };
    case 'unsupported_codec':
      return { accepted: [...VIDEO_CODEC_NAMES.video_service] };
    case 'needs_video_service':
      return { accepted: [...VIDEO_CODEC_NAMES[path]] };
    case 'damaged':
      return { kind: 'video' };
    default:
      return {};
  }
};

/** MP4 and QuickTime are one family (ISO base media file format): a `.mov` that is really an MP4 is fine. */
const ISO_TYPES = ['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/3gpp', 'video/3gpp2'];
/** The movie header of a 3-minute phone video is well under a megabyte; more is not a video we take. */
const MAX_MOOV_BYTES = 32 * 1024 * 1024;
/** Top-level boxes looked at before giving up (a real file has a handful). */
const MAX_TOP_LEVEL_BOXES = 64;

/**
 * Checks a video upload without reading it whole and without ffmpeg: the real type from the
 * first bytes (`file-type`), then the top-level boxes walked by their headers (range reads, so the
 * media data is skipped wherever it lies, before or after the movie header), then the movie header
 * (`ftyp` + `moov`) parsed by mp4box for duration, display size and codec. What Bluesky would refuse
 * on the account's path is refused, with a reason.
 */
export async function checkVideo(read: RangeReader, size: number, declaredMime: string, path: VideoPath): Promise<VideoOutcome> {
  const head = await read(0, Math.min(size, 4100) - 1);
  const detected = await fileTypeFromBuffer(head);
  if (!detected) return reject('not_a_video', 'no known file signature');
  if (!ISO_TYPES.includes(detected.mime)) {
    // WebM and Matroska included: see `VIDEO_TYPES` in core.
    return detected.mime.startsWith('video/')
      ? reject('unsupported_video_type', `detected ${detected.mime}`, videoParams('unsupported_video_type', path))
      : reject('not_a_video', `detected ${detected.mime}`);
  }
  if (!ISO_TYPES.includes(declaredMime))
    return reject('type_mismatch', `declared ${declaredMime}, detected ${detected.mime}`, {
      declared: declaredMime,
      detected: detected.mime,
    });

  let movie: Movie;
  try {
    movie = await readMovie(read, size);
  } catch (error) {
    return reject('damaged', (error as Error).message, videoParams('damaged', path));
  }
  const track = movie.videoTracks[0];
  const durationSeconds =
    movie.duration > 0 && movie.timescale > 0
      ? movie.duration / movie.timescale
      : movie.fragment_duration && movie.fragment_duration.den > 0
        ? movie.fragment_duration.num / movie.fragment_duration.den
        : 0;
  // The track header holds the display size; a matrix that turns the picture a quarter (phones
  // filming upright) swaps it.
  const [a = 0, b = 0, , c = 0, d = 0] = track ? Array.from(track.matrix) : [];
  const quarterTurn = a === 0 && d === 0 && b !== 0 && c !== 0;
  const width = track ? Math.round(track.track_width || track.video?.width || 0) : 0;
  const height = track ? Math.round(track.track_height || track.video?.height || 0) : 0;
  const probe: VideoProbe = {
    mime: detected.mime,
    durationSeconds,
    width: quarterTurn ? height : width,
    height: quarterTurn ? width : height,
    codec: track?.codec.split('.')[0],
  };
  const problem = videoProblem(probe, path);
  if (problem) return reject(problem, JSON.stringify(probe), videoParams(problem, path, probe));
  return { ok: true, probe };
}

/** Finds `ftyp` and `moov` among the top-level boxes by their headers and parses them with mp4box. */
async function readMovie(read: RangeReader, size: number): Promise<Movie> {
  const wanted: Uint8Array[] = [];
  let offset = 0;
  for (let count = 0; offset < size; count++) {
    if (count >= MAX_TOP_LEVEL_BOXES) throw new Error('too many top-level boxes');
    const header = await read(offset, Math.min(size, offset + 16) - 1);
    if (header.length < 8) throw new Error(`truncated box header at ${offset}`);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const type = String.fromCharCode(...header.subarray(4, 8));
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error(`not a box at ${offset}`);
    let boxSize = view.getUint32(0);
    let headerSize = 8;
    if (boxSize === 1) {
      if (header.length < 16) throw new Error(`truncated box header at ${offset}`);
      boxSize = Number(view.getBigUint64(8));
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - offset; // to the end of the file
    }
    if (boxSize < headerSize || offset + boxSize > size) throw new Error(`box ${type} at ${offset} runs past the end of the file`);
    if (type === 'ftyp' || type === 'moov') {
      if (boxSize > MAX_MOOV_BYTES) throw new Error(`${type} of ${boxSize} bytes`);
      wanted.push(await read(offset, offset + boxSize - 1));
    }
    offset += boxSize;
  }
  if (!wanted.some((box) => String.fromCharCode(...box.subarray(4, 8)) === 'moov')) throw new Error('no movie header (moov)');
  // ftyp and moov back to back are a file mp4box can read: the media data is not needed for the header.
  const joined = new Uint8Array(wanted.reduce((sum, box) => sum + box.length, 0));
  let at = 0;
  for (const box of wanted) {
    joined.set(box, at);
    at += box.length;
  }
  const buffer = joined.buffer as MP4BoxBuffer;
  buffer.fileStart = 0;
  const file = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = (module, message) => {
    failure = `${module}: ${message}`;
  };
  file.appendBuffer(buffer, true);
  file.flush();
  if (!movie) throw new Error(failure ?? 'the movie header could not be read');
  return movie;
}
