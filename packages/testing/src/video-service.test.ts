import { getJobStatus, uploadVideo, type VideoJobStatus } from '@chronopost/bluesky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoServiceStandIn, type VideoServiceStandIn } from './video-service';

/** A token with the claims the stand-in checks (it leaves the signature to the PDS, never reached here). */
const tokenFor = (claims: Record<string, unknown>) =>
  ['{"alg":"ES256K"}', JSON.stringify(claims), 'signature'].map((part) => Buffer.from(part).toString('base64url')).join('.');

describe('the video service stand-in', () => {
  let service: VideoServiceStandIn;

  beforeAll(async () => {
    // Its processing never gets as far as the PDS in this test: any address will do.
    service = await startVideoServiceStandIn({ pdsUrl: 'http://127.0.0.1:9', processingMs: 10 });
  });
  afterAll(() => service?.close());

  it('a video its processing cannot read: the job fails with a reason, no unhandled rejection', async () => {
    const did = 'did:plc:standinfailure';
    const token = tokenFor({ iss: did, aud: 'did:web:pds.test', lxm: 'com.atproto.repo.uploadBlob' });
    const videoService = { url: service.url, did: service.did, fetch: globalThis.fetch };
    const job = await uploadVideo(videoService, token, { did, name: 'not-a-video.mp4', bytes: new TextEncoder().encode('not an mp4') });

    let status: VideoJobStatus = job;
    for (let polls = 0; polls < 100 && status.state !== 'JOB_STATE_FAILED' && status.state !== 'JOB_STATE_COMPLETED'; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await getJobStatus(videoService, job.jobId);
    }
    expect(status).toMatchObject({
      jobId: job.jobId,
      state: 'JOB_STATE_FAILED',
      failureCode: 'processing_failure',
      error: expect.any(String),
    });
    expect(status.blob).toBeUndefined();
  });
});
