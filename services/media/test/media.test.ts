import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MAX_IMAGE_BLOB_BYTES } from '@chronopost/core';
import { createLogger } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { tick } from '@chronopost/service-dispatcher';
import { createMediaResponseSchema, type ErrorResponse, type Media, mediaSchema, renderMessage } from '@chronopost/shared-schemas';
import { getBlob, getRecord, listPosts, s3Event, testS3Client, type TestUser, usePublishingRig } from '@chronopost/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler, type MediaContext, processUpload } from '../src/app';
import { cameraJpeg, heicPhoto, pixelBombPng, textFile, transparentPng, truncatedJpeg } from './fixtures';

/**
 * The upload pipeline end to end: the API hands out an upload form, the file goes to the local S3
 * stand-in through it (its front enforces the form's policy, as S3 does), the media Lambda is
 * invoked with the ObjectCreated event S3 would send (the shared stand-in runs in the global
 * setup's process, so the test delivers the event itself), and the publisher posts the result to
 * the real local PDS. PostgreSQL, S3 and the PDS are real.
 */
describe('media uploads', () => {
  const rig = usePublishingRig();
  let alice: TestUser;
  let media: MediaContext;
  let handler: ReturnType<typeof makeHandler>;

  beforeAll(async () => {
    alice = await rig.user();
    media = createContext(loadConfig(rig.services.env), loadSecrets(rig.services.env), {
      db: rig.database.db,
      logger: createLogger('media', 'SILENT'),
    });
    handler = makeHandler(media);
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${rig.services.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', ...init.headers },
    });

  async function startUpload(type: string, size: number) {
    const response = await api('/media', { method: 'POST', body: JSON.stringify({ kind: 'image', type, size, alt: '' }) });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(201);
    return createMediaResponseSchema.parse(body);
  }

  /** What a browser does with the form: every field, then the file. */
  async function postForm(upload: { url: string; fields: Record<string, string> }, bytes: Buffer, type: string) {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([bytes], { type }), 'upload');
    return fetch(upload.url, { method: 'POST', body: form });
  }

  const keyOf = (upload: { fields: Record<string, string> }) => upload.fields.key!;

  /** Uploads through the form, then delivers the bucket's notification to the media Lambda. */
  async function upload(bytes: Buffer, type: string): Promise<Media> {
    const started = await startUpload(type, bytes.length);
    expect(started.media.state).toBe('uploading');
    const stored = await postForm(started.upload, bytes, type);
    expect(stored.status, await stored.clone().text()).toBe(204);
    await handler(s3Event(rig.bucket, keyOf(started.upload), bytes.length), lambdaContext('media', 60_000));
    return getMedia(started.media.id);
  }

  async function getMedia(id: string): Promise<Media> {
    const response = await api(`/media/${id}`);
    expect(response.status).toBe(200);
    return mediaSchema.parse(await response.json());
  }

  const processedObjects = async (id: string) =>
    (await testS3Client().send(new ListObjectsV2Command({ Bucket: rig.bucket, Prefix: `processed/${id}` }))).Contents ?? [];

  async function processedBytes(id: string): Promise<Buffer> {
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: rig.bucket, Key: `processed/${id}` }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  describe('a 12-megapixel camera photo with GPS and orientation 6', () => {
    let original: Buffer;
    let photo: Media;

    beforeAll(async () => {
      original = await cameraJpeg();
      // The fixture really is what the test claims.
      const meta = await sharp(original).metadata();
      expect(meta).toMatchObject({ width: 4000, height: 3000, orientation: 6, format: 'jpeg' });
      // Its EXIF has a GPS IFD (tag 0x8825, in either byte order).
      expect(meta.exif!.includes(Buffer.from([0x25, 0x88])) || meta.exif!.includes(Buffer.from([0x88, 0x25]))).toBe(true);
      photo = await upload(original, 'image/jpeg');
    }, 180_000);

    it('comes out upright, at most 2000 px and 1,000,000 bytes', async () => {
      expect(photo).toMatchObject({ state: 'ready', reason: null, mimeType: 'image/jpeg', width: 1500, height: 2000 });
      expect(photo.bytes).toBeLessThanOrEqual(MAX_IMAGE_BLOB_BYTES);
      const bytes = await processedBytes(photo.id);
      expect(bytes.length).toBe(photo.bytes);
      // Upright: the red band along the top of the stored pixels is on the right once rotated.
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [
        ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
      ];
      const [r, g, b] = pixel(info.width - 30, info.height / 2);
      expect(r).toBeGreaterThan(200);
      expect(g! + b!).toBeLessThan(100);
      const [left] = pixel(30, info.height / 2);
      expect(Math.abs(left! - 128)).toBeLessThan(120);
      expect(pixel(30, info.height / 2)).not.toEqual(pixel(info.width - 30, info.height / 2));
    });

    it('keeps no metadata: no EXIF, GPS, XMP or ICC left in the file', async () => {
      const bytes = await processedBytes(photo.id);
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      // And byte for byte: no APP1 (EXIF/XMP) segment, no camera make.
      expect(bytes.includes(Buffer.from('Exif\0\0'))).toBe(false);
      expect(bytes.includes(Buffer.from('Chronopost'))).toBe(false);
      expect(original.includes(Buffer.from('Exif\0\0'))).toBe(true);
    });

    it('gives a short-lived preview URL of the processed image', async () => {
      const preview = await fetch(photo.previewUrl!);
      expect(preview.status).toBe(200);
      expect(Buffer.from(await preview.arrayBuffer()).equals(await processedBytes(photo.id))).toBe(true);
    });

    it('leaves one processed object however often the event is delivered', async () => {
      const event = s3Event(rig.bucket, `uploads/${photo.id}`, original.length);
      await Promise.all([handler(event, lambdaContext('media', 60_000)), handler(event, lambdaContext('media', 60_000))]);
      expect(await processedObjects(photo.id)).toHaveLength(1);
      expect(await getMedia(photo.id)).toEqual({ ...photo, previewUrl: expect.any(String) });
    });

    it('is published with its blob, alt text and aspect ratio', async () => {
      const alt = 'A noisy test photo, red band on the right';
      const post = await rig.schedule(alice, {
        items: [{ text: 'A photo', embed: { type: 'images', images: [{ mediaId: photo.id, alt }] } }],
        scheduledAt: new Date(Date.now() + 2_000).toISOString(),
      });
      await tick(rig.dispatcher());
      expect((await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count).toBe(1);
      expect((await rig.post(alice, post.id)).status).toBe('published');
      const record = await getRecord(alice.did, 'app.bsky.feed.post', post.items[0]!.rkey!);
      const [image] = record!.value.embed.images;
      expect(image).toMatchObject({ alt, aspectRatio: { width: 1500, height: 2000 } });
      expect(image.image).toMatchObject({ $type: 'blob', mimeType: 'image/jpeg', size: photo.bytes });
      expect((await getBlob(alice.did, image.image.ref.$link)).equals(await processedBytes(photo.id))).toBe(true);
    });
  });

  it('processes a HEIC photo (HEVC, decoded by libheif)', async () => {
    const heic = await upload(await heicPhoto(), 'image/heic');
    expect(heic).toMatchObject({ state: 'ready', mimeType: 'image/jpeg', width: 800, height: 600 });
    expect((await sharp(await processedBytes(heic.id)).metadata()).format).toBe('jpeg');
  });

  it('keeps the transparency of a transparent PNG', async () => {
    const png = await upload(await transparentPng(), 'image/png');
    expect(png).toMatchObject({ state: 'ready', mimeType: 'image/png', width: 600, height: 400 });
    const { data, info } = await sharp(await processedBytes(png.id))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // the corner is still transparent
    expect(data[(200 * info.width + 300) * 4 + 3]).toBe(255); // the disc is opaque
  });

  describe('refuses, with a reason, and nothing reaches the PDS', () => {
    it.each([
      ['a text file renamed .jpg', () => Promise.resolve(textFile()), 'image/jpeg', 'not_an_image', {}],
      ['a 20,000 × 20,000 PNG', () => Promise.resolve(pixelBombPng()), 'image/png', 'too_many_pixels', { maxMegapixels: 64 }],
      ['a truncated JPEG', truncatedJpeg, 'image/jpeg', 'damaged', {}],
      ['a PNG declared as a JPEG', transparentPng, 'image/jpeg', 'type_mismatch', { declared: 'image/jpeg', detected: 'image/png' }],
    ])('%s', async (_name, make, type, code, params) => {
      const refused = await upload(await make(), type);
      // Stored and sent as a catalogue code with its params; the sentence is the catalogue's, in either language.
      expect(refused).toMatchObject({ state: 'rejected', reason: { code, params }, previewUrl: null, width: null });
      expect(refused.reason!.params).toEqual(params);
      expect(refused.reason!.message).toBe(renderMessage({ code, params }));
      expect(renderMessage(refused.reason!, 'ja')).not.toMatch(/^エラーが発生しました/);
      expect(await processedObjects(refused.id)).toEqual([]);
      // A post cannot even be scheduled with it.
      const response = await api('/posts', {
        method: 'POST',
        body: JSON.stringify({ items: [{ text: 'x', embed: { type: 'images', images: [{ mediaId: refused.id, alt: '' }] } }] }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorResponse).error.issues).toEqual([expect.objectContaining({ code: 'media_rejected' })]);
    });

    it('an upload larger than declared: storage itself refuses it', async () => {
      const started = await startUpload('image/png', 1_000);
      const stored = await postForm(started.upload, Buffer.alloc(5_000, 1), 'image/png');
      expect(stored.status).toBe(400);
      expect(await stored.text()).toContain('<Code>EntityTooLarge</Code>');
      // Another type than declared, or a forged policy, are refused too.
      const wrongType = await postForm(
        { ...started.upload, fields: { ...started.upload.fields, 'Content-Type': 'text/html' } },
        Buffer.alloc(1_000),
        'text/html',
      );
      expect(wrongType.status).toBe(403);
      const policy = JSON.parse(Buffer.from(started.upload.fields.Policy!, 'base64').toString());
      policy.conditions = policy.conditions.map((c: unknown) =>
        Array.isArray(c) && c[0] === 'content-length-range' ? [c[0], 0, 10_000_000] : c,
      );
      const forged = { ...started.upload.fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
      expect((await postForm({ ...started.upload, fields: forged }, Buffer.alloc(5_000, 1), 'image/png')).status).toBe(403);
      // Nothing was stored: the upload is still waiting for its bytes.
      const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: rig.bucket, Prefix: keyOf(started.upload) }));
      expect(listed.Contents ?? []).toEqual([]);
      expect((await getMedia(started.media.id)).state).toBe('uploading');
    });

    it('an upload whose file is gone when it is processed: rejected as missing, not retried for ever', async () => {
      const bytes = await transparentPng();
      const started = await startUpload('image/png', bytes.length);
      expect((await postForm(started.upload, bytes, 'image/png')).status).toBe(204);
      // Deleted between the bucket's notification and its processing (a lifecycle rule, a person).
      await testS3Client().send(new DeleteObjectCommand({ Bucket: rig.bucket, Key: keyOf(started.upload) }));
      await handler(s3Event(rig.bucket, keyOf(started.upload), bytes.length), lambdaContext('media', 60_000));
      const refused = await getMedia(started.media.id);
      expect(refused).toMatchObject({
        state: 'rejected',
        reason: { code: 'missing', message: 'The uploaded file is no longer in storage. Upload it again.' },
        previewUrl: null,
      });
      expect(await processedObjects(refused.id)).toEqual([]);
      // A redelivered event finds nothing to do.
      expect(await processUpload(media, rig.bucket, keyOf(started.upload))).toMatchObject({ outcome: 'skipped', why: 'not_waiting' });
    });

    it('an upload declared over the limit: the API refuses the form', async () => {
      const response = await api('/media', {
        method: 'POST',
        body: JSON.stringify({ kind: 'image', type: 'image/jpeg', size: 40 * 1024 * 1024 }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorResponse).error.issues).toEqual([
        expect.objectContaining({ path: 'size', code: 'too_large', params: { maxBytes: 30 * 1024 * 1024 } }),
      ]);
    });

    it('an image rejected after its post was scheduled: the post fails with the reason, nothing is written', async () => {
      const bytes = textFile();
      const started = await startUpload('image/jpeg', bytes.length);
      const post = await rig.schedule(alice, {
        items: [{ text: 'Not a photo', embed: { type: 'images', images: [{ mediaId: started.media.id, alt: 'x' }] } }],
        scheduledAt: new Date(Date.now() + 2_000).toISOString(),
      });
      expect((await postForm(started.upload, bytes, 'image/jpeg')).status).toBe(204);
      await handler(s3Event(rig.bucket, keyOf(started.upload), bytes.length), lambdaContext('media', 60_000));
      const before = (await listPosts(alice.did)).length;
      await tick(rig.dispatcher());
      expect((await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count).toBe(1);
      const failed = await rig.post(alice, post.id);
      expect(failed.status).toBe('failed');
      expect(failed.lastError?.message).toMatch(/could not be processed/);
      expect(await listPosts(alice.did)).toHaveLength(before);
    });
  });

  it('deletes an unused upload with its objects, and refuses while a post uses it', async () => {
    const png = await upload(await transparentPng(), 'image/png');
    await rig.schedule(alice, {
      items: [{ text: 'Using it', embed: { type: 'images', images: [{ mediaId: png.id, alt: '' }] } }],
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const inUse = await api(`/media/${png.id}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(((await inUse.json()) as ErrorResponse).error.code).toBe('media_in_use');

    const unused = await upload(await transparentPng(), 'image/png');
    expect((await api(`/media/${unused.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/media/${unused.id}`)).status).toBe(404);
    expect(await processedObjects(unused.id)).toEqual([]);
    const originals = await testS3Client().send(new ListObjectsV2Command({ Bucket: rig.bucket, Prefix: `uploads/${unused.id}` }));
    expect(originals.Contents ?? []).toEqual([]);
  });
});
