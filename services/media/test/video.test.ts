import { MAX_CAPTION_BYTES } from '@chronopost/core';
import { createLogger } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { tick } from '@chronopost/service-dispatcher';
import { type ErrorResponse, listAttemptsResponseSchema, type Media, mediaSchema, renderMessage } from '@chronopost/shared-schemas';
import {
  getBlob,
  getRecord,
  listPosts,
  mediaUploads,
  testCaptions,
  type TestUser,
  testVideo,
  unsupportedCodecVideo,
  usePublishingRig,
} from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler } from '../src/app';

/**
 * Video posts on the direct path (a PDS without a video service: the local PDS, whose host is not
 * one of the video service's): uploaded through the form to the local S3, checked by the media
 * Lambda (mp4box on range reads), scheduled, and published to the real local PDS with
 * `uploadBlob` and `app.bsky.embed.video`. The test videos are made by the test (a real H.264
 * stream, muxed by mediabunny); nothing is mocked.
 */
describe('video uploads, published directly to the PDS', () => {
  const rig = usePublishingRig();
  let alice: TestUser;
  let uploads: ReturnType<typeof mediaUploads>;

  beforeAll(async () => {
    alice = await rig.user();
    const media = createContext(loadConfig(rig.services.env), loadSecrets(rig.services.env), {
      db: rig.database.db,
      logger: createLogger('media', 'SILENT'),
    });
    const handler = makeHandler(media);
    uploads = mediaUploads(
      rig,
      () => alice,
      (event) => handler(event, lambdaContext('media', 60_000)),
    );
  });

  const putCaptions = (id: string, lang: string, vtt: string) =>
    uploads.api(`/media/${id}/captions/${lang}`, { method: 'PUT', body: JSON.stringify({ vtt }) });

  describe('a short MP4 with alt text and captions in two languages', () => {
    let original: Buffer;
    let video: Media;

    beforeAll(async () => {
      original = await testVideo();
      video = await uploads.upload('video', original, 'video/mp4', 'Three coloured frames');
    });

    it('is checked: its length, display size and codec are read from the file', () => {
      expect(video).toMatchObject({
        kind: 'video',
        state: 'ready',
        reason: null,
        mimeType: 'video/mp4',
        bytes: original.length,
        width: 256,
        height: 144,
        durationMs: 3000,
        codec: 'avc1',
        alt: 'Three coloured frames',
      });
    });

    it('keeps captions per language, replaces a language, and refuses what is not WebVTT', async () => {
      expect((await putCaptions(video.id, 'en', testCaptions('Red, then green'))).status).toBe(200);
      expect((await putCaptions(video.id, 'ja', testCaptions('最初は赤'))).status).toBe(200);
      const replaced = await putCaptions(video.id, 'ja', testCaptions('赤、それから緑'));
      expect(replaced.status).toBe(200);
      expect(mediaSchema.parse(await replaced.json()).captions).toEqual([
        { lang: 'en', bytes: Buffer.byteLength(testCaptions('Red, then green')) },
        { lang: 'ja', bytes: Buffer.byteLength(testCaptions('赤、それから緑')) },
      ]);

      const notVtt = await putCaptions(video.id, 'fr', '1\n00:00:00,000 --> 00:00:01,000\nSRT, not WebVTT\n');
      expect(notVtt.status).toBe(400);
      expect(((await notVtt.json()) as ErrorResponse).error.issues).toEqual([expect.objectContaining({ code: 'not_webvtt' })]);
      const tooBig = await putCaptions(video.id, 'fr', testCaptions('x'.repeat(MAX_CAPTION_BYTES)));
      expect(((await tooBig.json()) as ErrorResponse).error.issues).toEqual([expect.objectContaining({ code: 'too_large' })]);
      const badLanguage = await putCaptions(video.id, 'not a language', testCaptions('x'));
      expect(((await badLanguage.json()) as ErrorResponse).error.issues).toEqual([
        expect.objectContaining({ path: 'lang', code: 'invalid_language' }),
      ]);
      expect((await uploads.get(video.id)).captions.map((caption) => caption.lang)).toEqual(['en', 'ja']);
    });

    it('is published with its blob, alt text, captions and aspect ratio, by the direct path', async () => {
      const post = await rig.schedule(alice, {
        items: [{ text: 'A video', embed: { type: 'video', mediaId: video.id } }],
        scheduledAt: new Date(Date.now() + 2_000).toISOString(),
      });
      await tick(rig.dispatcher());
      expect((await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count).toBe(1);
      const published = await rig.post(alice, post.id);
      expect(published.status, published.lastError?.message).toBe('published');

      const record = await getRecord(alice.did, 'app.bsky.feed.post', post.items[0]!.rkey!);
      const embed = record!.value.embed;
      expect(embed).toMatchObject({
        $type: 'app.bsky.embed.video',
        alt: 'Three coloured frames',
        aspectRatio: { width: 256, height: 144 },
        video: { $type: 'blob', mimeType: 'video/mp4', size: original.length },
      });
      // The PDS holds the very bytes uploaded, and each caption file in its language.
      expect((await getBlob(alice.did, embed.video.ref.$link)).equals(original)).toBe(true);
      expect(embed.captions.map((caption: { lang: string }) => caption.lang)).toEqual(['en', 'ja']);
      for (const [index, text] of ['Red, then green', '赤、それから緑'].entries()) {
        const caption = embed.captions[index];
        expect(caption.file).toMatchObject({ $type: 'blob', mimeType: 'text/vtt' });
        expect((await getBlob(alice.did, caption.file.ref.$link)).toString('utf8')).toBe(testCaptions(text));
      }

      const attempts = await uploads.api(`/posts/${post.id}/attempts`);
      expect(listAttemptsResponseSchema.parse(await attempts.json()).attempts).toEqual([
        expect.objectContaining({ outcome: 'published', videoPath: 'direct' }),
      ]);
    });
  });

  describe('refuses at upload, with a reason, what Bluesky would refuse', () => {
    const codecs = { accepted: ['H.264', 'HEVC', 'VP9', 'AV1'] };
    it.each([
      [
        'a video over three minutes',
        () => testVideo({ frames: 2, frameSeconds: 91 }),
        'video/mp4',
        'video_too_long',
        { maxSeconds: 180, seconds: 182 },
      ],
      [
        'a text file named .mp4',
        () => Promise.resolve(Buffer.from('This is not a video at all.\n'.repeat(200))),
        'video/mp4',
        'not_a_video',
        {},
      ],
      // The bytes decide, not the name: WebM's container (Matroska) declared as an MP4.
      [
        'a Matroska file named .mp4',
        () => testVideo({ container: 'mkv' }),
        'video/mp4',
        'unsupported_video_type',
        { accepted: ['MP4', 'MOV (QuickTime)'] },
      ],
      ['an MPEG-4 Part 2 (mp4v) video', unsupportedCodecVideo, 'video/mp4', 'unsupported_codec', codecs],
      // A PDS without the video service takes the file as it is; the record only accepts video/mp4.
      [
        'a QuickTime file on a PDS without the video service',
        () => testVideo({ container: 'mov' }),
        'video/quicktime',
        'needs_video_service',
        { accepted: ['H.264'] },
      ],
    ])('%s', async (_name, make, type, code, params) => {
      const refused = await uploads.upload('video', await make(), type);
      expect(refused).toMatchObject({ state: 'rejected', reason: { code, params }, durationMs: null, previewUrl: null });
      expect(refused.reason!.message).toBe(renderMessage({ code, params }));
      expect(refused.reason!.message).not.toMatch(/^Something went wrong/);
      expect(renderMessage(refused.reason!, 'ja')).not.toMatch(/^エラーが発生しました/);
      // A post cannot be scheduled with it, so nothing ever reaches the PDS.
      const before = (await listPosts(alice.did)).length;
      const response = await uploads.api('/posts', {
        method: 'POST',
        body: JSON.stringify({ items: [{ text: 'x', embed: { type: 'video', mediaId: refused.id } }] }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorResponse).error.issues).toEqual([expect.objectContaining({ code: 'media_rejected' })]);
      expect(await listPosts(alice.did)).toHaveLength(before);
    });

    it('WebM, declared as such: refused before any upload, with the reason', async () => {
      const response = await uploads.api('/media', {
        method: 'POST',
        body: JSON.stringify({ kind: 'video', type: 'video/webm', size: 1_000 }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorResponse).error.issues).toEqual([
        expect.objectContaining({ path: 'type', code: 'unsupported_video_type' }),
      ]);
    });

    it('an image given as a video, or a video as an image, is refused when the post is made', async () => {
      const video = await uploads.upload('video', await testVideo(), 'video/mp4');
      const response = await uploads.api('/posts', {
        method: 'POST',
        body: JSON.stringify({ items: [{ text: 'x', embed: { type: 'images', images: [{ mediaId: video.id, alt: '' }] } }] }),
      });
      expect(((await response.json()) as ErrorResponse).error.issues).toEqual([expect.objectContaining({ code: 'media_kind_mismatch' })]);
    });
  });
});
