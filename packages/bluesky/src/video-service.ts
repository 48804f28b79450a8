import type { BlobJson } from './records';
import { type PdsSession, xrpcAnswer, xrpcQuery } from './xrpc';

type Fetch = typeof globalThis.fetch;

/** Bluesky's video service: where it is and who it is (the audience of its service tokens). */
export interface VideoService {
  url: string;
  did: string;
  fetch: Fetch;
}

/** `app.bsky.video.defs#jobStatus`. */
export interface VideoJobStatus {
  jobId: string;
  did: string;
  /** `JOB_STATE_COMPLETED`, `JOB_STATE_FAILED`; anything else is still in progress. */
  state: string;
  progress?: number;
  blob?: BlobJson;
  error?: string;
  message?: string;
  failureCode?: string;
}

/** `app.bsky.video.getUploadLimits`. */
export interface VideoUploadLimits {
  canUpload: boolean;
  remainingDailyVideos?: number;
  remainingDailyBytes?: number;
  message?: string;
  error?: string;
}

/** The PDS's own service DID (`com.atproto.server.describeServer`): the audience of an upload token. */
export async function pdsServiceDid(session: PdsSession): Promise<string> {
  const { did } = await xrpcQuery<{ did: string }>(session, 'com.atproto.server.describeServer');
  return did;
}

/** A service token signed by the account's PDS for one method of one service (`getServiceAuth`). */
export async function serviceToken(session: PdsSession, aud: string, lxm: string, lifetimeSeconds: number): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds;
  const { token } = await xrpcQuery<{ token: string }>(session, 'com.atproto.server.getServiceAuth', { aud, lxm, exp });
  return token;
}

/** The service answers `{ jobStatus }` (the lexicon) or, as Bluesky's does, the job status itself. */
const jobStatusOf = (body: { jobStatus?: VideoJobStatus } & Partial<VideoJobStatus>): VideoJobStatus =>
  body.jobStatus ?? (body as VideoJobStatus);

/**
 * How long a question to the video service (limits, a job's state) may take. The service's fetch
 * has no bound of its own, and the publisher polls within a 25 s invocation: a service that hangs
 * must fail the poll as a network error (retried), not hold the invocation until Lambda ends it.
 */
export const VIDEO_SERVICE_QUERY_TIMEOUT_MS = 5_000;

/** Whether this account may upload a video now (daily limits, a verified e-mail). */
export async function getUploadLimits(
  service: VideoService,
  token: string,
  options: { timeoutMs?: number } = {},
): Promise<VideoUploadLimits> {
  const response = await service.fetch(`${service.url}/xrpc/app.bsky.video.getUploadLimits`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(options.timeoutMs ?? VIDEO_SERVICE_QUERY_TIMEOUT_MS),
  });
  return xrpcAnswer<VideoUploadLimits>('app.bsky.video.getUploadLimits', response);
}

/**
 * Sends a video to the service, which transcodes it and stores the result on the account's PDS
 * with `token` (audience: the PDS, method `com.atproto.repo.uploadBlob`). A video the service has
 * seen before comes back as its earlier job (`already_exists`).
 */
export async function uploadVideo(
  service: VideoService,
  token: string,
  video: { did: string; name: string; bytes: Uint8Array },
  timeoutMs = 50_000,
): Promise<VideoJobStatus> {
  const url = new URL(`${service.url}/xrpc/app.bsky.video.uploadVideo`);
  url.searchParams.set('did', video.did);
  url.searchParams.set('name', video.name);
  const response = await service.fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4', accept: 'application/json' },
    body: video.bytes,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status === 409) {
    const body = (await response
      .clone()
      .json()
      .catch(() => ({}))) as Partial<VideoJobStatus> & { jobStatus?: VideoJobStatus };
    const status = jobStatusOf(body);
    if (body.error === 'already_exists' && status.jobId) return status;
  }
  return jobStatusOf(await xrpcAnswer<{ jobStatus?: VideoJobStatus }>('app.bsky.video.uploadVideo', response));
}

/** A job's state (public: no token). */
export async function getJobStatus(service: VideoService, jobId: string, options: { timeoutMs?: number } = {}): Promise<VideoJobStatus> {
  const url = new URL(`${service.url}/xrpc/app.bsky.video.getJobStatus`);
  url.searchParams.set('jobId', jobId);
  const response = await service.fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(options.timeoutMs ?? VIDEO_SERVICE_QUERY_TIMEOUT_MS),
  });
  return jobStatusOf(await xrpcAnswer<{ jobStatus?: VideoJobStatus }>('app.bsky.video.getJobStatus', response));
}
