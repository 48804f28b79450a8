import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BlobJson, VideoJobStatus, VideoUploadLimits } from '@chronopost/bluesky';
import { BufferSource, BufferTarget, Conversion, Input, MP4, Mp4OutputFormat, Output, QTFF } from 'mediabunny';

/**
 * A stand-in for Bluesky's video service (video.bsky.app), the one part of the video path that
 * cannot run here. It implements the three XRPC methods the publisher calls, as the lexicons
 * define them (`app.bsky.video.getUploadLimits`, `uploadVideo`, `getJobStatus`), and does what the
 * real service does with an upload: after "processing" (no transcoding here: the bytes are kept
 * as they are) it stores the video on the account's PDS — the real local PDS — with the service
 * token it was given, and the job yields that blob. The PDS checks the token's signature; the
 * stand-in checks its claims (issuer, audience, method). Tests steer it: daily limits per
 * account, jobs that fail, jobs that take their time.
 */
export interface VideoServiceStandIn {
  url: string;
  did: string;
  /** Every upload received, in order. */
  uploads: Array<{ did: string; name: string; bytes: number }>;
  /** What `getUploadLimits` answers for this account (default: can upload). */
  setLimits(did: string, limits: VideoUploadLimits): void;
  /** The jobs of this account fail with this error and failure code. */
  failJobs(did: string, failure: { error: string; failureCode: string }): void;
  /** The jobs of this account stay in progress until `release(did)`. */
  hold(did: string): void;
  release(did: string): void;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** The claims of a service token (the signature is the PDS's to check, when the token reaches it). */
function tokenClaims(request: IncomingMessage): { iss?: string; aud?: string; lxm?: string; exp?: number } | undefined {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  try {
    return JSON.parse(Buffer.from(match[2]!, 'base64url').toString('utf8')) as { iss?: string; aud?: string; lxm?: string; exp?: number };
  } catch {
    return undefined;
  }
}

/** The stand-in's "transcoding": the streams copied, unchanged, into an MP4 (no encoder here). */
async function toMp4(bytes: Buffer): Promise<Uint8Array> {
  const output = new Output({ format: new Mp4OutputFormat(), target: new BufferTarget() });
  const conversion = await Conversion.init({ input: new Input({ source: new BufferSource(bytes), formats: [MP4, QTFF] }), output });
  await conversion.execute();
  return new Uint8Array(output.target.buffer!);
}

export async function startVideoServiceStandIn(options: {
  pdsUrl: string;
  did?: string;
  processingMs?: number;
}): Promise<VideoServiceStandIn> {
  const did = options.did ?? 'did:web:video.test';
  const processingMs = options.processingMs ?? 300;
  const jobs = new Map<string, VideoJobStatus>();
  const limits = new Map<string, VideoUploadLimits>();
  const failures = new Map<string, { error: string; failureCode: string }>();
  const held = new Map<string, Array<() => void>>();
  const uploads: VideoServiceStandIn['uploads'] = [];

  const process = async (job: VideoJobStatus, token: string, bytes: Buffer) => {
    await new Promise((resolve) => setTimeout(resolve, processingMs));
    const waiting = held.get(job.did);
    if (waiting) await new Promise<void>((resolve) => waiting.push(resolve));
    const failure = failures.get(job.did);
    if (failure) {
      jobs.set(job.jobId, { ...job, state: 'JOB_STATE_FAILED', ...failure });
      return;
    }
    jobs.set(job.jobId, { ...job, state: 'JOB_STATE_UPLOADING', progress: 0 });
    // As the real service does: the processed video (here: the same stream, moved into an MP4)
    // goes to the account's PDS with the user's token.
    const response = await fetch(`${options.pdsUrl}/xrpc/com.atproto.repo.uploadBlob`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
      body: await toMp4(bytes),
    });
    const body = (await response.json()) as { blob?: BlobJson; error?: string; message?: string };
    jobs.set(
      job.jobId,
      response.ok && body.blob
        ? { ...job, state: 'JOB_STATE_COMPLETED', progress: 100, blob: body.blob }
        : { ...job, state: 'JOB_STATE_FAILED', failureCode: 'pds_upload_failure', error: `${body.error}: ${body.message}` },
    );
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      if (request.method === 'GET' && url.pathname === '/xrpc/app.bsky.video.getUploadLimits') {
        const claims = tokenClaims(request);
        if (!claims?.iss || claims.aud !== did || claims.lxm !== 'app.bsky.video.getUploadLimits')
          return send(response, 401, { error: 'AuthRequired', message: 'a service token for getUploadLimits is required' });
        return send(
          response,
          200,
          limits.get(claims.iss) ?? { canUpload: true, remainingDailyVideos: 25, remainingDailyBytes: 10_000_000_000 },
        );
      }
      if (request.method === 'POST' && url.pathname === '/xrpc/app.bsky.video.uploadVideo') {
        const claims = tokenClaims(request);
        const account = url.searchParams.get('did') ?? '';
        if (!claims || claims.iss !== account || claims.lxm !== 'com.atproto.repo.uploadBlob' || !claims.aud?.startsWith('did:'))
          return send(response, 401, { error: 'AuthRequired', message: 'a service token for the PDS’s uploadBlob is required' });
        const bytes = await readBody(request);
        uploads.push({ did: account, name: url.searchParams.get('name') ?? '', bytes: bytes.length });
        const job: VideoJobStatus = { jobId: randomUUID(), did: account, state: 'JOB_STATE_CREATED', progress: 0 };
        jobs.set(job.jobId, job);
        // Processing runs after the answer, as the service's does: whatever goes wrong in it (a file
        // it cannot read, a PDS it cannot reach) is the job's failure, reported by getJobStatus.
        process(job, request.headers.authorization!.slice('Bearer '.length), bytes).catch((error: unknown) => {
          jobs.set(job.jobId, {
            ...job,
            state: 'JOB_STATE_FAILED',
            failureCode: 'processing_failure',
            error: String(error instanceof Error ? error.message : error).slice(0, 300),
          });
        });
        return send(response, 200, { jobStatus: job });
      }
      if (request.method === 'GET' && url.pathname === '/xrpc/app.bsky.video.getJobStatus') {
        const job = jobs.get(url.searchParams.get('jobId') ?? '');
        if (!job) return send(response, 400, { error: 'InvalidRequest', message: 'no such job' });
        return send(response, 200, { jobStatus: job });
      }
      send(response, 501, { error: 'MethodNotImplemented', message: `${request.method} ${url.pathname}` });
    })().catch((error: unknown) => send(response, 500, { error: 'InternalServerError', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    did,
    uploads,
    setLimits: (account, value) => limits.set(account, value),
    failJobs: (account, failure) => failures.set(account, failure),
    hold: (account) => held.set(account, held.get(account) ?? []),
    release: (account) => {
      const waiting = held.get(account) ?? [];
      held.delete(account);
      for (const resolve of waiting) resolve();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
