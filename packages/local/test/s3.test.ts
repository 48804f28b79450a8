import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientOptions, type LocalS3, startLocalS3 } from '../src';

// This file starts its own s3rver (milliseconds) because the wrapper itself is under test: its
// bucket CORS rule, its enforcement of upload-form policies and its ObjectCreated notifications.
describe('local S3', () => {
  const origin = 'http://localhost:5173';
  let dir: string;
  let s3: LocalS3;
  let client: S3Client;
  const events: S3Event[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3-'));
    s3 = await startLocalS3({ host: '127.0.0.1', port: 0, directory: dir, buckets: ['media'], webOrigin: origin });
    s3.onObjectCreated((event) => events.push(event));
    client = new S3Client({ ...localClientOptions(s3.endpoint), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  });
  afterAll(async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a presigned PUT and serves the object to a presigned GET', async () => {
    const key = 'uploads/did:plc:abc/photo one.png';
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'media', Key: key, ContentType: 'image/png' }), {
      expiresIn: 300,
    });
    const put = await fetch(putUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(put.status).toBe(200);

    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'media', Key: key }), { expiresIn: 300 });
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('lets the web origin upload from the browser (CORS preflight)', async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'media', Key: 'cors-check' }), { expiresIn: 60 });
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(200);
    // s3rver answers a matched preflight with `*` where S3 echoes the origin; both let the browser through.
    expect([origin, '*']).toContain(preflight.headers.get('access-control-allow-origin'));
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const foreign = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('holds browser-form uploads (POST) to their policy, as S3 does', async () => {
    const form = await createPresignedPost(client, {
      Bucket: 'media',
      Key: 'uploads/form',
      Conditions: [
        ['content-length-range', 4, 4],
        ['eq', '$Content-Type', 'image/png'],
      ],
      Fields: { 'Content-Type': 'image/png' },
      Expires: 60,
    });
    const send = (fields: Record<string, string>, bytes: Buffer) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.append(name, value);
      body.append('file', new Blob([bytes]), 'file');
      return fetch(form.url, { method: 'POST', body, headers: { origin } });
    };
    const preflight = await fetch(form.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const tooBig = await send(form.fields, Buffer.alloc(5));
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain('EntityTooLarge');
    expect(tooBig.headers.get('access-control-allow-origin')).toBe(origin);
    expect((await send(form.fields, Buffer.alloc(3))).status).toBe(400); // EntityTooSmall
    expect((await send({ ...form.fields, 'Content-Type': 'text/html' }, Buffer.alloc(4))).status).toBe(403);
    expect((await send({ ...form.fields, key: 'uploads/elsewhere' }, Buffer.alloc(4))).status).toBe(403);
    expect((await send({ ...form.fields, 'x-amz-meta-extra': '1' }, Buffer.alloc(4))).status).toBe(403);
    expect((await send({ ...form.fields, 'X-Amz-Signature': '00'.repeat(32) }, Buffer.alloc(4))).status).toBe(403);

    events.length = 0;
    const stored = await send(form.fields, Buffer.from([1, 2, 3, 4]));
    expect(stored.status).toBe(204);
    const object = await client.send(new GetObjectCommand({ Bucket: 'media', Key: 'uploads/form' }));
    expect(object.ContentType).toBe('image/png');
    expect(object.ContentLength).toBe(4);
    expect(events[0]?.Records[0]?.s3.object).toMatchObject({ key: 'uploads/form' });
  });

  it('sends an ObjectCreated notification with the key encoded as S3 does', async () => {
    events.length = 0;
    await client.send(new PutObjectCommand({ Bucket: 'media', Key: 'a b/c+d.jpg', Body: 'x' }));
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' });
    expect(record?.s3.bucket).toMatchObject({ name: 'media', arn: 'arn:aws:s3:::media' });
    expect(record?.s3.object).toMatchObject({ key: 'a+b/c%2Bd.jpg', size: 1 });
  });
});
