import {
  IMAGE_TYPE_NAMES,
  IMAGE_TYPES,
  type ImageType,
  MAX_IMAGE_BLOB_BYTES,
  MAX_IMAGE_INPUT_PIXELS,
  MAX_IMAGE_SIDE,
  type MediaNote,
  type MediaRejection,
} from '@chronopost/core';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';

export type ProcessedImage = {
  bytes: Buffer;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  notes: MediaNote[];
};
/** A rejection is a catalogue code with its params (what the user reads) and a detail for the log. */
export type ImageOutcome =
  { ok: true; image: ProcessedImage } | { ok: false; reason: { code: MediaRejection; params: Record<string, unknown> }; detail: string };

const reject = (code: MediaRejection, detail: string, params: Record<string, unknown> = {}): ImageOutcome => ({
  ok: false,
  reason: { code, params },
  detail,
});
const tooManyPixels = (detail: string) => reject('too_many_pixels', detail, { maxMegapixels: MAX_IMAGE_INPUT_PIXELS / 1_000_000 });

/** Types that are one family: a `.heif` declared for a HEIC file, or a JPEG declared as `image/jpg`, is fine. */
const family = (mime: string) => (mime === 'image/heif' || mime === 'image/heic' ? 'heif' : mime === 'image/jpg' ? 'image/jpeg' : mime);

/** Largest first: the encoder settings tried until the image fits the blob limit. */
const JPEG_QUALITIES = [85, 78, 70, 60];
const WEBP_QUALITIES = [88, 80, 70, 60];

/**
 * Checks an upload by its bytes and turns it into what Bluesky takes: the real type detected
 * from content (and compared with what was declared), pixel bombs and damaged files refused,
 * the EXIF orientation applied and then every piece of metadata dropped (EXIF with GPS, XMP, IPTC;
 * colour converted to sRGB), the long side at most 2000 px, encoded to fit the blob limit:
 * JPEG for opaque images, PNG or WebP where transparency must survive.
 */
export async function processImage(input: Buffer, declaredMime: string, maxBlobBytes = MAX_IMAGE_BLOB_BYTES): Promise<ImageOutcome> {
  const detected = await fileTypeFromBuffer(input);
  if (!detected) return reject('not_an_image', 'no known file signature');
  if (!detected.mime.startsWith('image/')) return reject('not_an_image', `detected ${detected.mime}`);
  if (!(IMAGE_TYPES as readonly string[]).includes(detected.mime))
    return reject('unsupported_type', `detected ${detected.mime}`, { accepted: [...IMAGE_TYPE_NAMES] });
  if (family(detected.mime) !== family(declaredMime))
    return reject('type_mismatch', `declared ${declaredMime}, detected ${detected.mime}`, {
      declared: declaredMime,
      detected: detected.mime,
    });
  const mime = detected.mime as ImageType;

  // The header alone gives the size: refuse a bomb before decoding a single pixel.
  let meta: Metadata;
  try {
    // The header only (no limit here: the limit is checked just below, with its own reason).
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    return reject('damaged', (error as Error).message);
  }
  if (!meta.width || !meta.height) return reject('damaged', 'no dimensions');
  if (meta.width * meta.height > MAX_IMAGE_INPUT_PIXELS) return tooManyPixels(`${meta.width} × ${meta.height}`);
  const notes: MediaNote[] = [];
  if (mime === 'image/gif' && (meta.pages ?? 1) > 1) notes.push('gif_first_frame');

  let image: Sharp;
  try {
    if (mime === 'image/heic' || mime === 'image/heif') {
      // libvips as shipped with sharp cannot decode HEVC; libheif (wasm) can. It applies the
      // HEIF rotation itself, and HEIC keeps no EXIF orientation to apply.
      // Loaded for HEIC only: libheif is ~2 MB of JavaScript and wasm that a JPEG never needs.
      const { default: decodeHeic } = await import('heic-decode');
      const decoded = await decodeHeic({ buffer: input });
      if (decoded.width * decoded.height > MAX_IMAGE_INPUT_PIXELS) return tooManyPixels(`${decoded.width} × ${decoded.height}`);
      image = sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
        raw: { width: decoded.width, height: decoded.height, channels: 4 },
      });
    } else {
      // failOn 'truncated' refuses incomplete files but tolerates the harmless warnings real cameras cause.
      image = sharp(input, { limitInputPixels: MAX_IMAGE_INPUT_PIXELS, failOn: 'truncated', animated: false }).rotate();
    }
    // Decode once, upright, to raw pixels: every encoding attempt below starts from them.
    const { data, info } = await image
      .resize({ width: MAX_IMAGE_SIDE, height: MAX_IMAGE_SIDE, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = { data, info };
    const transparent = meta.hasAlpha === true && info.channels === 4 && (await hasTransparency(pixels));
    return await encodeToFit(pixels, transparent, notes, maxBlobBytes);
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) return tooManyPixels(message);
    return reject('damaged', message);
  }
}

type RawPixels = { data: Buffer; info: OutputInfo };

const fromRaw = ({ data, info }: RawPixels) => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });

/** An alpha channel that is fully opaque everywhere is dropped (a JPEG is far smaller). */
async function hasTransparency(pixels: RawPixels): Promise<boolean> {
  const stats = await fromRaw(pixels).stats();
  return (stats.channels[3]?.min ?? 255) < 255;
}

async function encodeToFit(pixels: RawPixels, transparent: boolean, notes: MediaNote[], maxBytes: number): Promise<ImageOutcome> {
  let current = pixels;
  // Each round tries the encodings from best to smallest; if none fits, scale down and try again.
  for (let round = 0; round < 6; round++) {
    const { width, height } = current.info;
    const attempts: Array<() => Promise<{ bytes: Buffer; mime: ProcessedImage['mime'] }>> = transparent
      ? [
          async () => ({ bytes: await fromRaw(current).png({ compressionLevel: 9, effort: 7 }).toBuffer(), mime: 'image/png' }),
          ...WEBP_QUALITIES.map((quality) => async () => ({
            bytes: await fromRaw(current).webp({ quality, alphaQuality: 90, effort: 4 }).toBuffer(),
            mime: 'image/webp' as const,
          })),
        ]
      : JPEG_QUALITIES.map((quality) => async () => ({
          bytes: await fromRaw(current)
            .removeAlpha()
            .jpeg({ quality, chromaSubsampling: quality >= 85 ? '4:4:4' : '4:2:0' })
            .toBuffer(),
          mime: 'image/jpeg' as const,
        }));
    for (const attempt of attempts) {
      const { bytes, mime } = await attempt();
      if (bytes.length <= maxBytes) return { ok: true, image: { bytes, mime, width, height, notes } };
    }
    const scaled = await fromRaw(current)
      .resize({ width: Math.max(1, Math.round(width * 0.75)), height: Math.max(1, Math.round(height * 0.75)), fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    current = scaled;
  }
  return reject('cannot_fit', 'still too large after scaling down', { maxBytes });
}
