import { VIDEO_BLOB_MAX_AGE_SECONDS, VIDEO_PREPARE_LEAD_SECONDS } from '@chronopost/core';
import { createLogger } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { tick } from '@chronopost/service-dispatcher';
import { listAttemptsResponseSchema, type Media } from '@chronopost/shared-schemas';
import {
  deleteRecordAsAuthor,
  getBlob,
  getRecord,
  listPosts,
  mediaUploads,
  startVideoServiceStandIn,
  testCaptions,
  testEnvironment,
  type TestUser,
  testVideo,
  usePublishingRig,
  type VideoServiceStandIn,
} from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler } from '../src/app';

/**
 * Video posts through Bluesky's video service. The service itself cannot run here, so it is a
 * small local stand-in of its XRPC endpoints (`startVideoServiceStandIn`: getUploadLimits,
 * uploadVideo, getJobStatus as the lexicons define them), which stores the video on the real local
 * PDS with the service token the publisher obtained, as the real service does. Everything else is
 * real: PostgreSQL, S3, SQS, the PDS, the OAuth sessions. The local PDS is declared a host of the
 * video service (`VIDEO_SERVICE_PDS_HOSTS=localhost`), which is how Bluesky's own PDSes are set.
 */
describe('video posts through the video service', () => {
  const rig = usePublishingRig();
  let service: VideoServiceStandIn;
  let alice: TestUser;
  let uploads: ReturnType<typeof mediaUploads>;
  const env = () => ({
    ...rig.services.env,
    VIDEO_SERVICE_PDS_HOSTS: 'localhost',
    VIDEO_SERVICE_URL: service.url,
    VIDEO_SERVICE_DID: service.did,
  });

  beforeAll(async () => {
    service = await startVideoServiceStandIn({ pdsUrl: testEnvironment().pdsUrl });
    alice = await rig.user();
    const media = createContext(loadConfig(env()), loadSecrets(env()), { db: rig.database.db, logger: createLogger('media', 'SILENT') });
    const handler = makeHandler(media);
    uploads = mediaUploads(
      rig,
      () => alice,
      (event) => handler(event, lambdaContext('media', 60_000)),
    );
  });
  afterAll(() => service?.close());

  /** A publisher configured as `env()` says (the stand-in's address is only known once it runs). */
  const publisher = () => {
    const ctx = rig.publisher();
    return { ...ctx, config: { ...ctx.config, videoService: { pdsHosts: ['localhost'], url: service.url, did: service.did } } };
  };

  async function publishVideoPost(user: TestUser, video: Media, deliverTimeoutMs?: number) {
    const post = await rig.schedule(user, {
      items: [{ text: 'A video through the service', embed: { type: 'video', mediaId: video.id, alt: 'Colours' } }],
      scheduledAt: new Date(Date.now() + 2_000).toISOString(),
    });
    await tick(rig.dispatcher());
    expect((await rig.deliver(publisher(), { waitSeconds: 10, ...(deliverTimeoutMs ? { timeoutMs: deliverTimeoutMs } : {}) })).count).toBe(
      1,
    );
    return post;
  }

  const attemptsOf = async (user: TestUser, id: string) =>
    listAttemptsResponseSchema.parse(await (await mediaUploads(rig, () => user, uploadsDeliver()).api(`/posts/${id}/attempts`)).json())
      .attempts;

  it('uploads the video to the service, waits for its job, and posts the blob the service stored', async () => {
    // A QuickTime file is fine here: the service transcodes (a direct upload would refuse it).
    const original = await testVideo({ container: 'mov' });
    const video = await uploads.upload('video', original, 'video/quicktime');
    expect(video).toMatchObject({ state: 'ready', mimeType: 'video/quicktime', width: 256, height: 144 });
    expect(
      (await uploads.api(`/media/${video.id}/captions/en`, { method: 'PUT', body: JSON.stringify({ vtt: testCaptions('Hello') }) })).status,
    ).toBe(200);

    const post = await publishVideoPost(alice, video);
    const published = await rig.post(alice, post.id);
    expect(published.status, published.lastError?.message).toBe('published');
    expect(service.uploads).toEqual([{ did: alice.did, name: `${video.id}.mp4`, bytes: original.length }]);

    const embed = (await getRecord(alice.did, 'app.bsky.feed.post', post.items[0]!.rkey!))!.value.embed;
    expect(embed).toMatchObject({ $type: 'app.bsky.embed.video', alt: 'Colours', aspectRatio: { width: 256, height: 144 } });
    expect(embed.captions).toEqual([expect.objectContaining({ lang: 'en' })]);
    // The blob is the one the service stored on the PDS with the user's service token: an MP4 of the same video.
    expect(embed.video).toMatchObject({ $type: 'blob', mimeType: 'video/mp4' });
    const stored = await getBlob(alice.did, embed.video.ref.$link);
    expect(stored.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(stored.equals(original)).toBe(false);
    expect(await attemptsOf(alice, post.id)).toEqual([expect.objectContaining({ outcome: 'published', videoPath: 'video_service' })]);
  });

  it('a job the service fails: the post fails with the service’s reason and nothing is posted', async () => {
    const bob = await rig.user();
    service.failJobs(bob.did, { error: 'Video is not playable', failureCode: 'encoding_failure' });
    const bobUploads = mediaUploads(rig, () => bob, uploadsDeliver());
    const video = await bobUploads.upload('video', await testVideo(), 'video/mp4');
    const before = (await listPosts(bob.did)).length;
    const post = await publishVideoPost(bob, video);
    const failed = await rig.post(bob, post.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatchObject({
      class: 'validation',
      code: 'video_job_failed',
      params: { failureCode: 'encoding_failure', detail: 'Video is not playable' },
    });
    expect(failed.lastError!.message).toMatch(/\(encoding_failure\): Video is not playable/);
    expect(await listPosts(bob.did)).toHaveLength(before);
  });

  it('a daily limit reached: a clear failure with the service’s message, no upload, no retry loop', async () => {
    const carol = await rig.user();
    service.setLimits(carol.did, {
      canUpload: false,
      remainingDailyVideos: 0,
      error: 'daily_limit',
      message: 'You have reached your daily video upload limit',
    });
    const carolUploads = mediaUploads(rig, () => carol, uploadsDeliver());
    const video = await carolUploads.upload('video', await testVideo(), 'video/mp4');
    const sentBefore = service.uploads.length;
    const post = await publishVideoPost(carol, video);
    const failed = await rig.post(carol, post.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatchObject({ class: 'validation', code: 'video_upload_limit' });
    expect(failed.lastError!.message).toMatch(/daily video upload limit/);
    expect(service.uploads).toHaveLength(sentBefore);
    expect(await attemptsOf(carol, post.id)).toEqual([expect.objectContaining({ outcome: 'failed', videoPath: 'video_service' })]);
  });

  it('a daily limit is not for ever: once the service takes videos again, retrying the post asks again and publishes', async () => {
    const dave = await rig.user();
    service.setLimits(dave.did, { canUpload: false, remainingDailyVideos: 0, error: 'daily_limit', message: 'Come back tomorrow' });
    const daveUploads = mediaUploads(rig, () => dave, uploadsDeliver());
    const video = await daveUploads.upload('video', await testVideo(), 'video/mp4');
    const post = await publishVideoPost(dave, video);
    expect((await rig.post(dave, post.id)).lastError).toMatchObject({ code: 'video_upload_limit' });

    // The next day (or once the e-mail is verified), the user retries the same post.
    service.setLimits(dave.did, { canUpload: true, remainingDailyVideos: 25, remainingDailyBytes: 10_000_000_000 });
    const retried = await daveUploads.api(`/posts/${post.id}/retry`, {
      method: 'POST',
      body: JSON.stringify({ scheduledAt: new Date(Date.now() + 2_000).toISOString() }),
    });
    expect(retried.status, await retried.clone().text()).toBe(200);
    await tick(rig.dispatcher());
    expect((await rig.deliver(publisher(), { waitSeconds: 10 })).count).toBe(1);
    const published = await rig.post(dave, post.id);
    expect(published.status, published.lastError?.message).toBe('published');
    expect(service.uploads.filter((upload) => upload.did === dave.did)).toHaveLength(1);
  });

  it('a job still running when the post is due: the post waits and goes out when the job is done, uploaded once', async () => {
    const dave = await rig.user();
    service.hold(dave.did);
    const daveUploads = mediaUploads(rig, () => dave, uploadsDeliver());
    const video = await daveUploads.upload('video', await testVideo(), 'video/mp4');
    // A short Lambda: the publisher stops waiting for the job with time left to record why.
    const post = await publishVideoPost(dave, video, 12_000);
    const waiting = await rig.post(dave, post.id);
    expect(waiting.status).toBe('retrying');
    expect(waiting.lastError).toMatchObject({ class: 'video_processing', code: 'video_still_processing' });

    service.release(dave.did);
    // The next look is due 20 s later: the tick queues it with that delay, the queue holds it.
    await tick(rig.dispatcher());
    // (SQS long polls last 20 s at most: a second poll covers the rest of the delay.)
    const delivered =
      (await rig.deliver(publisher(), { waitSeconds: 20 })).count || (await rig.deliver(publisher(), { waitSeconds: 20 })).count;
    expect(delivered).toBe(1);
    expect((await rig.post(dave, post.id)).status).toBe('published');
    expect(service.uploads.filter((sent) => sent.did === dave.did)).toHaveLength(1);
    expect((await attemptsOf(dave, post.id)).map((attempt) => [attempt.outcome, attempt.videoPath])).toEqual([
      ['retrying', 'video_service'],
      ['published', 'video_service'],
    ]);
  });

  it('a post due in minutes: its video goes to the service ahead, and at its time the post only picks up the blob', async () => {
    const erin = await rig.user();
    const erinUploads = mediaUploads(rig, () => erin, uploadsDeliver());
    const soon = await erinUploads.upload('video', await testVideo(), 'video/mp4');
    const later = await erinUploads.upload('video', await testVideo({ frames: 2 }), 'video/mp4');
    const dueInMs = 5 * 60_000;
    const post = await rig.schedule(erin, {
      items: [{ text: 'Prepared ahead', embed: { type: 'video', mediaId: soon.id } }],
      scheduledAt: new Date(Date.now() + dueInMs).toISOString(),
    });
    // Outside the lead time (VIDEO_PREPARE_LEAD_SECONDS): nothing is started for this one yet.
    await rig.schedule(erin, {
      items: [{ text: 'Not yet', embed: { type: 'video', mediaId: later.id } }],
      scheduledAt: new Date(Date.now() + (VIDEO_PREPARE_LEAD_SECONDS + 600) * 1000).toISOString(),
    });

    expect(await tick(rig.dispatcher())).toMatchObject({ queued: 0, videosToPrepare: 1 });
    expect((await rig.deliver(publisher(), { waitSeconds: 5 })).count).toBe(1);
    expect(service.uploads.filter((sent) => sent.did === erin.did)).toEqual([expect.objectContaining({ name: `${soon.id}.mp4` })]);
    expect((await rig.post(erin, post.id)).status).toBe('scheduled');
    // The upload is under way: the next tick does not ask again.
    expect(await tick(rig.dispatcher())).toMatchObject({ videosToPrepare: 0 });

    // When the post falls due (the clocks of the dispatcher and the publisher moved on by the
    // wait; everything else is real), the publication finds the job done and posts its blob.
    const due = () => new Date(Date.now() + dueInMs);
    expect(await tick(rig.dispatcher({ now: due }))).toMatchObject({ queued: 1 });
    expect((await rig.deliver({ ...publisher(), now: due }, { waitSeconds: 5 })).count).toBe(1);
    const published = await rig.post(erin, post.id);
    expect(published.status, published.lastError?.message).toBe('published');
    expect(service.uploads.filter((sent) => sent.did === erin.did)).toHaveLength(1);
    const embed = (await getRecord(erin.did, 'app.bsky.feed.post', post.items[0]!.rkey!))!.value.embed;
    expect(embed).toMatchObject({ $type: 'app.bsky.embed.video', video: { mimeType: 'video/mp4' } });
    expect(await attemptsOf(erin, post.id)).toEqual([expect.objectContaining({ outcome: 'published', videoPath: 'video_service' })]);
  });

  it('a video sent ahead reads the session once: its service tokens use the token set read first', async () => {
    const frank = await rig.user();
    const frankUploads = mediaUploads(rig, () => frank, uploadsDeliver());
    const video = await frankUploads.upload('video', await testVideo(), 'video/mp4');
    await rig.schedule(frank, {
      items: [{ text: 'Prepared ahead, one session read', embed: { type: 'video', mediaId: video.id } }],
      scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    expect(await tick(rig.dispatcher())).toMatchObject({ videosToPrepare: 1 });
    // Once the service has said the account may upload, the stored session disappears: the upload's
    // service token (getServiceAuth on the PDS) must come from the token set read at the start, not
    // from another read of the session (which would find none and give the upload up).
    const ctx = publisher();
    const videoFetch: typeof fetch = async (input, init) => {
      const response = await ctx.videoFetch(input, init);
      if (String(input instanceof Request ? input.url : input).includes('app.bsky.video.getUploadLimits')) {
        await rig.database.db.$client.query('DELETE FROM oauth_sessions WHERE did = $1', [frank.did]);
      }
      return response;
    };
    expect((await rig.deliver({ ...ctx, videoFetch }, { waitSeconds: 5 })).count).toBe(1);
    expect(service.uploads.filter((sent) => sent.did === frank.did)).toEqual([expect.objectContaining({ name: `${video.id}.mp4` })]);
  });

  it('a stored blob is not used for ever: once its upload is older than the bound, the video goes up again', async () => {
    const gina = await rig.user();
    const ginaUploads = mediaUploads(rig, () => gina, uploadsDeliver());
    const video = await ginaUploads.upload('video', await testVideo(), 'video/mp4');
    const first = await publishVideoPost(gina, video);
    expect((await rig.post(gina, first.id)).status).toBe('published');
    const sentByGina = () => service.uploads.filter((sent) => sent.did === gina.did);
    expect(sentByGina()).toHaveLength(1);
    // The stored upload is made older than VIDEO_BLOB_MAX_AGE_SECONDS (time itself cannot pass here).
    const age = async () =>
      rig.database.db.$client.query(`UPDATE video_uploads SET started_at = started_at - make_interval(secs => $2) WHERE media_id = $1`, [
        video.id,
        VIDEO_BLOB_MAX_AGE_SECONDS + 60,
      ]);
    await age();

    // Published again (a reschedule, a retry hours later, the same video in another post): uploaded again.
    const second = await publishVideoPost(gina, video);
    const published = await rig.post(gina, second.id);
    expect(published.status, published.lastError?.message).toBe('published');
    expect(sentByGina()).toHaveLength(2);

    // And ahead of time: a post due in minutes whose video's blob is that old is prepared again.
    await age();
    await rig.schedule(gina, {
      items: [{ text: 'The same video, prepared again', embed: { type: 'video', mediaId: video.id } }],
      scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    expect(await tick(rig.dispatcher())).toMatchObject({ queued: 0, videosToPrepare: 1 });
    expect((await rig.deliver(publisher(), { waitSeconds: 5 })).count).toBe(1);
    expect(sentByGina()).toHaveLength(3);
  });

  it('a blob the PDS no longer has: the refused write is retried, the video goes up again, and the post is published once', async () => {
    const hana = await rig.user();
    const hanaUploads = mediaUploads(rig, () => hana, uploadsDeliver());
    const video = await hanaUploads.upload('video', await testVideo(), 'video/mp4');
    const first = await publishVideoPost(hana, video);
    expect((await rig.post(hana, first.id)).status).toBe('published');
    // The author deletes that post in a Bluesky app: the PDS deletes the blob no record names any more.
    await deleteRecordAsAuthor(hana, 'app.bsky.feed.post', first.items[0]!.rkey!);
    expect(await listPosts(hana.did)).toHaveLength(0);

    // The same video in a new post, minutes later: the stored blob is young, but gone.
    const second = await publishVideoPost(hana, video);
    const retrying = await rig.post(hana, second.id);
    expect(retrying.status).toBe('retrying');
    expect(retrying.lastError).toMatchObject({
      class: 'server',
      code: 'blob_missing',
      params: { detail: expect.stringMatching(/^Could not find blob: baf[a-z2-7]+$/) },
    });
    expect(await listPosts(hana.did)).toHaveLength(0);

    // The retry (30 s later: the clocks move on, everything else is real) uploads the video again.
    const retryAt = () => new Date(Date.now() + 31_000);
    expect(await tick(rig.dispatcher({ now: retryAt }))).toMatchObject({ queued: 1 });
    expect((await rig.deliver({ ...publisher(), now: retryAt }, { waitSeconds: 10 })).count).toBe(1);
    const published = await rig.post(hana, second.id);
    expect(published.status, published.lastError?.message).toBe('published');
    expect(service.uploads.filter((sent) => sent.did === hana.did)).toHaveLength(2);
    const posts = await listPosts(hana.did);
    expect(posts).toHaveLength(1);
    expect((await getBlob(hana.did, posts[0]!.value.embed.video.ref.$link)).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect((await attemptsOf(hana, second.id)).map((attempt) => attempt.outcome)).toEqual(['retrying', 'published']);
  });

  function uploadsDeliver() {
    const handler = makeHandler(
      createContext(loadConfig(env()), loadSecrets(env()), { db: rig.database.db, logger: createLogger('media', 'SILENT') }),
    );
    return (event: Parameters<typeof handler>[0]) => handler(event, lambdaContext('media', 60_000));
  }
});
