import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJobStatus, getUploadLimits, type VideoService } from '../src';

/**
 * A video service that takes the connection and never answers (a hung upstream): the publisher's
 * polls must give up on their own, well inside its 25 s invocation, as a network failure it
 * retries, not hold the invocation until Lambda kills it.
 */
describe('the video service calls without an answer', () => {
  let server: Server;
  let service: VideoService;

  beforeAll(async () => {
    server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    service = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, did: 'did:web:video.test', fetch: globalThis.fetch };
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a job status poll times out', async () => {
    const started = performance.now();
    await expect(getJobStatus(service, 'job-1', { timeoutMs: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('the upload limits question times out', async () => {
    await expect(getUploadLimits(service, 'token', { timeoutMs: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
