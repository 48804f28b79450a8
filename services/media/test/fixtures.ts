import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Test images, made by the tests themselves with sharp (only the HEIC photo is a committed file:
 * nothing here can encode HEVC; see fixtures/README.md).
 */

const RED = { r: 255, g: 0, b: 0 };

/**
 * A 12-megapixel camera photo: 4000 × 3000 pixels of noise (so it compresses like a photo, about
 * 9 MB), a red band along the top of the stored pixels, EXIF orientation 6 (viewers rotate it 90°
 * clockwise, so the band shows on the right) and a GPS position in its EXIF.
 */
export async function cameraJpeg(): Promise<Buffer> {
  const band = await sharp({ create: { width: 4000, height: 300, channels: 3, background: RED } })
    .png()
    .toBuffer();
  return sharp({
    create: { width: 4000, height: 3000, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } },
  })
    .composite([{ input: band, top: 0, left: 0 }])
    .jpeg({ quality: 92 })
    .withExif({
      IFD0: { Make: 'Chronopost', Model: 'Test Camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 39/1 2916/100', GPSLongitudeRef: 'E', GPSLongitude: '139/1 42/1 1000/100' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A 4000 × 3000 PNG photo (noise: it does not compress), about 36 MB raw. */
export const largePng = (): Promise<Buffer> =>
  sharp({
    create: { width: 4000, height: 3000, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();

/** 600 × 400, transparent except for an opaque blue disc in the middle. */
export const transparentPng = (): Promise<Buffer> =>
  sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><circle cx="300" cy="200" r="120" fill="#0000ff"/></svg>',
    ),
  )
    .png()
    .toBuffer();

/**
 * A 20,000 × 20,000 PNG (400 megapixels) of about 50 KB: a pixel bomb. Written by hand (1-bit
 * grey, every row zero) because an encoder would have to push 400 MP through itself first.
 */
export function pixelBombPng(side = 20_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, no interlace
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side); // each row: filter byte 0, then zero bits
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG cut off after its first third. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await sharp({
    create: { width: 1200, height: 900, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } },
  })
    .jpeg()
    .toBuffer();
  return whole.subarray(0, Math.floor(whole.length / 3));
}

export const textFile = (): Buffer => Buffer.from('This is not a photo.\n'.repeat(200));

/** An animated GIF of two frames (red, then blue). */
export async function animatedGif(): Promise<Buffer> {
  const frame = (background: { r: number; g: number; b: number }) =>
    sharp({ create: { width: 64, height: 64, channels: 3, background } })
      .png()
      .toBuffer();
  return sharp([await frame(RED), await frame({ r: 0, g: 0, b: 255 })], { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
}

/** A real HEIC photo (800 × 600, HEVC), see fixtures/README.md. */
export const heicPhoto = (): Promise<Buffer> => readFile(join(import.meta.dirname, 'fixtures', 'photo.heic'));
