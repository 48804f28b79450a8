import { type CreateMediaInput, createMediaResponseSchema, type Media, mediaSchema } from '@chronopost/shared-schemas';
import type { S3Event } from 'aws-lambda';
import { expect } from 'vitest';
import { s3Event } from './events';
import type { PublishingRig, TestUser } from './publishing';

/**
 * Uploads as the web app makes them: `POST /media`, the file through the upload form straight to
 * the local S3 (whose front holds it to the form's policy), then the bucket's notification handed
 * to a media Lambda handler (the shared S3 stand-in runs in the global setup's process, so the test
 * delivers the event itself).
 */
export function mediaUploads(rig: PublishingRig, user: () => TestUser, deliver: (event: S3Event) => Promise<unknown>) {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${rig.services.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${user().token}`, 'content-type': 'application/json', ...init.headers },
    });

  async function start(body: CreateMediaInput) {
    const response = await api('/media', { method: 'POST', body: JSON.stringify(body) });
    const json = await response.json();
    expect(response.status, JSON.stringify(json)).toBe(201);
    return createMediaResponseSchema.parse(json);
  }

  async function get(id: string): Promise<Media> {
    const response = await api(`/media/${id}`);
    expect(response.status).toBe(200);
    return mediaSchema.parse(await response.json());
  }

  /** Uploads `bytes` declared as `type`, lets the media Lambda check it, and answers the upload as the API shows it. */
  async function upload(kind: 'image' | 'video', bytes: Buffer, type: string, alt = ''): Promise<Media> {
    const started = await start({ kind, type, size: bytes.length, alt });
    const form = new FormData();
    for (const [name, value] of Object.entries(started.upload.fields)) form.append(name, value);
    form.append('file', new Blob([bytes], { type }), 'upload');
    const stored = await fetch(started.upload.url, { method: 'POST', body: form });
    expect(stored.status, await stored.clone().text()).toBe(204);
    await deliver(s3Event(rig.bucket, started.upload.fields.key!, bytes.length));
    return get(started.media.id);
  }

  return { api, start, get, upload };
}
