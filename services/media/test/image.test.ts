import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage } from '../src/image';
import { animatedGif } from './fixtures';

/** The image step alone (no storage, no database): every accepted format comes out as a Bluesky image. */
describe('processing an image', () => {
  const photo = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });

  it.each([
    ['WebP', () => photo(2400, 1200).webp().toBuffer(), 'image/webp'],
    ['AVIF', () => photo(2400, 1200).avif().toBuffer(), 'image/avif'],
  ])('takes %s', async (_name, make, type) => {
    const result = await processImage(await make(), type);
    expect(result).toMatchObject({ ok: true, image: { mime: 'image/jpeg', width: 2000, height: 1000 } });
  });

  it('posts the first frame of an animated GIF, and says so', async () => {
    const gif = await animatedGif();
    expect((await sharp(gif, { pages: -1 }).metadata()).pages).toBe(2);
    const result = await processImage(gif, 'image/gif');
    expect(result).toMatchObject({ ok: true, image: { width: 64, height: 64, notes: ['gif_first_frame'] } });
    const { data } = await sharp(result.ok ? result.image.bytes : Buffer.alloc(0))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200); // red: the first frame, not the blue second one
  });

  it('converts colour to sRGB and drops the profile', async () => {
    const p3 = await photo(400, 300).withIccProfile('p3').jpeg().toBuffer();
    expect((await sharp(p3).metadata()).icc).toBeDefined();
    const result = await processImage(p3, 'image/jpeg');
    expect(result.ok).toBe(true);
    const meta = await sharp(result.ok ? result.image.bytes : Buffer.alloc(0)).metadata();
    expect(meta.icc).toBeUndefined();
    expect(meta.space).toBe('srgb');
  });

  it('accepts image/jpg for a JPEG and heif for a HEIC, but not a PNG for a JPEG', async () => {
    const jpeg = await photo(10, 10).jpeg().toBuffer();
    expect((await processImage(jpeg, 'image/jpg')).ok).toBe(true);
    const png = await photo(10, 10).png().toBuffer();
    expect(await processImage(png, 'image/jpeg')).toMatchObject({
      ok: false,
      reason: { code: 'type_mismatch', params: { declared: 'image/jpeg', detected: 'image/png' } },
    });
  });
});
