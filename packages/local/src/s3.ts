import { mkdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS } from './aws-local';
import { startPostPolicyFront } from './s3-post-policy';

export interface LocalS3 {
  endpoint: string;
  /** Subscribes to ObjectCreated notifications, already in the shape Lambda receives from S3. */
  onObjectCreated(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

const corsXml = (origin: string) => `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** S3 notifications carry URL-encoded keys (spaces as `+`); s3rver sends them raw. */
export const encodeS3EventKey = (key: string): string => encodeURIComponent(key).replaceAll('%20', '+').replaceAll('%2F', '/');

interface S3rverEvent {
  Records: Array<S3Event['Records'][number]>;
}

/**
 * Starts `s3rver` with the media bucket (CORS for the web origin, so browsers can upload to
 * presigned URLs and forms) behind a front that enforces upload-form policies as S3 does
 * (s3rver ignores them), and turns its object events into S3 notification events.
 */
export async function startLocalS3(options: {
  host: string;
  port: number;
  directory: string;
  buckets: string[];
  webOrigin: string;
}): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: options.directory,
    silent: true,
    // Presigned URLs signed for the real endpoint must also work here; s3rver cannot know our secret.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [corsXml(options.webOrigin)] })),
  });
  const address = (await server.run()) as { port: number };
  const front = await startPostPolicyFront({
    host: options.host,
    port: options.port,
    target: { host: '127.0.0.1', port: address.port },
    secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    corsOrigin: options.webOrigin,
  }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const listeners: Array<(event: S3Event) => void> = [];
  server.on('event', (event: S3rverEvent) => {
    const records = event.Records.filter((record) => record.eventName.startsWith('ObjectCreated:')).map((record) => ({
      ...record,
      s3: {
        ...record.s3,
        bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
        object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) },
      },
    }));
    if (records.length === 0) return;
    for (const listener of listeners) listener({ Records: records });
  });
  return {
    endpoint: `http://${options.host}:${front.port}`,
    onObjectCreated: (listener) => listeners.push(listener),
    close: async () => {
      await front.close();
      await server.close();
    },
  };
}
