import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  EARLY_DELIVERY_MS,
  earlyDeliveryMs,
  MAX_ALT_TEXT_LENGTH,
  MAX_CAPTION_BYTES,
  MAX_CAPTIONS_PER_VIDEO,
  MAX_IMAGE_BLOB_BYTES,
  MAX_IMAGE_SIDE,
  MAX_IMAGES_PER_POST,
  MAX_THREAD_ITEMS,
  MAX_UPLOADS_PER_POST,
  MAX_VIDEO_UPLOAD_BYTES,
  POST_TEXT_MAX_GRAPHEMES,
  PUBLISH_VISIBILITY_TIMEOUT_SECONDS,
  PUBLISHER_TIMEOUT_SECONDS,
  PREPARE_MS_PER_UPLOAD,
  takeoverAfterDueMs,
  WRITE_BUDGET_MS,
} from '@chronopost/core';
import { createPdsAccount, localClientOptions, startDevPds } from '@chronopost/local';
import { login } from '@chronopost/testing/oauth-login';
import pg from 'pg';
import sharp from 'sharp';
import { testVideo } from '../packages/testing/src/video-fixtures';
import { type BenchRuntime, pdsBenchEnv, startBenchRuntime } from './local-runtime';

/**
 * `pnpm bench publish [runs]`: the longest publication a user can schedule within our limits,
 * timed through the runtime's own publisher (`pnpm dev` in a child process) against a real local
 * dev PDS, to derive the publisher's timeout (`publisherTimeoutFor`, core dispatch-policy.ts).
 *
 * - `thread`: MAX_THREAD_ITEMS posts, each with MAX_IMAGES_PER_POST distinct images of
 *   MAX_IMAGE_SIDE px whose JPEG is just under MAX_IMAGE_BLOB_BYTES (noise, made here with sharp;
 *   stored as the media Lambda leaves a processed image), alt texts of MAX_ALT_TEXT_LENGTH, texts of
 *   POST_TEXT_MAX_GRAPHEMES with a mention, a link and a hashtag.
 * - `video`: one post with a MAX_VIDEO_UPLOAD_BYTES MP4 (a playable clip padded with a `free`
 *   box) and MAX_CAPTIONS_PER_VIDEO captions of MAX_CAPTION_BYTES, scheduled at short notice so the
 *   publication itself uploads it (the dispatcher's `prepare_video` does it minutes ahead otherwise).
 *
 * Each post is scheduled a few seconds ahead; its message arrives ~EARLY_DELIVERY_MS before the
 * second, so a preparation longer than that runs straight into the write. Split from the
 * publisher's own attempt (claim → `write_sent_at` → `published_at`) and from the PDS's side
 * (first `uploadBlob` received → last answered). The queue's visibility is raised for the run so a
 * publication longer than today's timeout is still measured to its end, not taken over.
 */

/**
 * Short notice: the message goes out at once and is received ~5 s before the second, less than
 * the preparation takes, so claim → write sent is the preparation itself. Ahead: the message is
 * delayed as the dispatcher delays it (`earlyDeliveryMs`), to show whether the write is on time.
 */
const LEAD_MS = { short: 6_000, ahead: 40_000 } as const;
const GIVE_UP_MS = 180_000;
/** Run-to-run spread seen at load 7–20 on these machines; a real PDS is further away than a local one. */
const TIME_MARGIN = 1.5;

interface Request {
  path: string;
  started: number;
  ended: number;
}

/** Records every XRPC request the PDS receives: when it came in, when it was answered. */
function watchRequests(server: Server, requests: Request[]) {
  const listeners = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const entry = { path: (request.url ?? '').split('?')[0]!.replace('/xrpc/', ''), started: Date.now(), ended: Number.NaN };
    requests.push(entry);
    response.once('finish', () => (entry.ended = Date.now()));
    for (const listener of listeners) listener.call(server, request, response);
  });
}

/** A JPEG of MAX_IMAGE_SIDE² noise, as large as the blob limit allows (highest quality that fits). */
async function largestJpeg(): Promise<Buffer> {
  const side = MAX_IMAGE_SIDE;
  const raw = randomBytes(side * side * 3);
  const encode = (quality: number) =>
    sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality })
      .toBuffer();
  // Room for the comment segment that makes each copy distinct.
  const limit = MAX_IMAGE_BLOB_BYTES - 64;
  let [low, high] = [1, 100];
  let best = await encode(low);
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const jpeg = await encode(mid);
    if (jpeg.length <= limit) {
      best = jpeg;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}

/** The same JPEG with a comment segment (`FF FE`) after SOI: distinct bytes (a distinct blob), same picture. */
function distinctCopy(jpeg: Buffer, tag: string): Buffer {
  const text = Buffer.from(tag, 'utf8');
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(2 + text.length, 2);
  text.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** A playable MP4 padded to `bytes` with a top-level `free` box (ISO BMFF lets readers skip it). */
async function paddedVideo(bytes: number): Promise<Buffer> {
  const clip = await testVideo();
  const pad = bytes - clip.length;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(pad, 0);
  header.write('free', 4, 'ascii');
  return Buffer.concat([clip, header, Buffer.alloc(pad - 8)]);
}

/** POST_TEXT_MAX_GRAPHEMES graphemes: a mention, a link, a hashtag, then Japanese. */
function maximalText(handle: string, index: number): string {
  const head = `${index + 1}/${MAX_THREAD_ITEMS} @${handle} https://example.com/chronopost/${index} #クロノポスト `;
  const graphemes = [...new Intl.Segmenter('ja', { granularity: 'grapheme' }).segment(head)].length;
  return head + 'あいうえおかきくけこ'.repeat(40).slice(0, POST_TEXT_MAX_GRAPHEMES - graphemes);
}

interface Media {
  id: string;
  key: string;
  bytes: Buffer;
  kind: 'image' | 'video';
  width: number;
  height: number;
  captions?: Array<{ lang: string; vtt: string }>;
}

/** Stores media as the media Lambda leaves them: the bytes under the processed key, the row `ready`. */
async function storeMedia(runtime: BenchRuntime, s3: S3Client, owner: string, items: Media[]) {
  const db = new pg.Client({ connectionString: runtime.databaseUrl });
  await db.connect();
  try {
    for (const item of items) {
      const mime = item.kind === 'image' ? 'image/jpeg' : 'video/mp4';
      await s3.send(new PutObjectCommand({ Bucket: runtime.serviceEnv.MEDIA_BUCKET, Key: item.key, Body: item.bytes, ContentType: mime }));
      await db.query(
        `INSERT INTO media (id, owner_did, kind, s3_key, state, declared_mime, declared_bytes, processed_key, mime, bytes, width, height, duration_ms, codec, captions)
         VALUES ($1, $2, $3, $4, 'ready', $5, $6, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          item.id,
          owner,
          item.kind,
          item.key,
          mime,
          item.bytes.length,
          item.width,
          item.height,
          item.kind === 'video' ? 3000 : null,
          item.kind === 'video' ? 'avc1' : null,
          JSON.stringify(item.captions ?? []),
        ],
      );
    }
  } finally {
    await db.end();
  }
}

const CASES = ['thread', 'thread-ahead', 'video'] as const;
type Case = (typeof CASES)[number];

interface Run {
  case: Case;
  run: number;
  status: string;
  attempts: number;
  /** Claim → write request sent: session, mentions, link facets, blob uploads, records built (and any wait for the second). */
  prepareMs: number;
  /** The PDS's side of the uploads: first `uploadBlob` received → last answered. */
  uploadsMs: number;
  uploads: number;
  /** Write sent → answered (`applyWrites`). */
  writeMs: number;
  /** Claim → answered: the publication as the publisher's timeout must hold it. */
  totalMs: number;
  /** Due → answered. */
  lateMs: number;
  /** Due → write request sent: our own lateness. */
  sentLateMs: number;
  /** CPU of the runtime process (ours: the publisher, and the S3 stand-in in the same process) and of this process (the PDS), scheduling to the end. */
  cpuMs: { runtime: number; pds: number };
  load: [number, number];
}

async function measure(
  runtime: BenchRuntime,
  s3: S3Client,
  account: { did: string; handle: string },
  requests: Request[],
  kind: Case,
  run: number,
  base: { jpeg: Buffer; video: Buffer },
): Promise<Run> {
  const loadBefore = loadavg()[0]!;
  const cpuBefore = { runtime: runtime.cpuMs()?.runtime ?? Number.NaN, pds: process.cpuUsage() };
  const tag = `${kind}-${run}-${randomUUID()}`;
  let items: unknown[];
  if (kind !== 'video') {
    const images: Media[] = Array.from({ length: MAX_THREAD_ITEMS * MAX_IMAGES_PER_POST }, (_, index) => {
      const id = randomUUID();
      return {
        id,
        key: `processed/${id}`,
        kind: 'image',
        bytes: distinctCopy(base.jpeg, `${tag}-${index}`),
        width: MAX_IMAGE_SIDE,
        height: MAX_IMAGE_SIDE,
      };
    });
    await storeMedia(runtime, s3, account.did, images);
    items = Array.from({ length: MAX_THREAD_ITEMS }, (_, index) => ({
      text: maximalText(account.handle, index),
      langs: ['ja'],
      embed: {
        type: 'images',
        images: images.slice(index * MAX_IMAGES_PER_POST, (index + 1) * MAX_IMAGES_PER_POST).map((image, n) => ({
          mediaId: image.id,
          alt: `${index}.${n} ${'代替テキスト'.repeat(MAX_ALT_TEXT_LENGTH)}`.slice(0, MAX_ALT_TEXT_LENGTH),
        })),
      },
    }));
  } else {
    const id = randomUUID();
    // Distinct per run: the first bytes after the clip's boxes differ.
    const bytes = Buffer.from(base.video);
    bytes.write(tag.slice(0, 32), bytes.length - 64, 'ascii');
    const caption = (lang: string) =>
      `WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${'字幕'.repeat(MAX_CAPTION_BYTES)}`.slice(0, Math.floor(MAX_CAPTION_BYTES / 3) - 10) +
      `\n${lang}\n`;
    const langs = ['ja', 'en', 'fr', 'de', 'es', 'it', 'pt', 'ko', 'zh', 'ru', 'nl', 'sv', 'pl', 'tr', 'ar', 'hi', 'id', 'th', 'vi', 'uk'];
    await storeMedia(runtime, s3, account.did, [
      {
        id,
        key: `processed/${id}`,
        kind: 'video',
        bytes,
        width: 256,
        height: 144,
        captions: langs.slice(0, MAX_CAPTIONS_PER_VIDEO).map((lang) => ({ lang, vtt: caption(lang) })),
      },
    ]);
    items = [
      { text: maximalText(account.handle, 0), langs: ['ja'], embed: { type: 'video', mediaId: id, alt: 'x'.repeat(MAX_ALT_TEXT_LENGTH) } },
    ];
  }

  const due = Math.ceil((Date.now() + LEAD_MS[kind === 'thread-ahead' ? 'ahead' : 'short']) / 1000) * 1000;
  const response = await fetch(`${runtime.url}/posts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await runtime.tokenFor(account.did)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items, scheduledAt: new Date(due).toISOString() }),
  });
  if (response.status !== 201) throw new Error(`scheduling answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  const postId = ((await response.json()) as { id: string }).id;
  const firstRequest = requests.length;

  const db = new pg.Client({ connectionString: runtime.databaseUrl });
  await db.connect();
  try {
    let status = '';
    for (;;) {
      // The post is marked published before its attempt is recorded (with `write_sent_at`): wait for both.
      const { rows } = await db.query<{ status: string; open: number }>(
        `SELECT status, (SELECT count(*)::int FROM publish_attempts a WHERE a.post_id = posts.id AND a.outcome IS NULL) AS open
         FROM posts WHERE id = $1`,
        [postId],
      );
      status = rows[0]!.status;
      const settled = !['scheduled', 'queued', 'publishing'].includes(status) && rows[0]!.open === 0;
      if (settled || Date.now() > due + GIVE_UP_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { rows: attempts } = await db.query<{ started_at: Date; write_sent_at: Date | null; outcome: string | null }>(
      `SELECT started_at, write_sent_at, outcome FROM publish_attempts WHERE post_id = $1 ORDER BY attempt`,
      [postId],
    );
    const { rows: post } = await db.query<{ published_at: Date | null }>(`SELECT published_at FROM posts WHERE id = $1`, [postId]);
    const last = attempts.at(-1);
    const claimed = attempts[0]?.started_at.getTime() ?? Number.NaN;
    const sent = last?.write_sent_at?.getTime() ?? Number.NaN;
    const published = post[0]?.published_at?.getTime() ?? Number.NaN;
    const uploads = requests.slice(firstRequest).filter((request) => request.path === 'com.atproto.repo.uploadBlob');
    const result: Run = {
      case: kind,
      run,
      status,
      attempts: attempts.length,
      prepareMs: sent - claimed,
      uploadsMs: uploads.length ? Math.max(...uploads.map((u) => u.ended)) - Math.min(...uploads.map((u) => u.started)) : 0,
      uploads: uploads.length,
      writeMs: published - sent,
      totalMs: published - claimed,
      lateMs: published - due,
      sentLateMs: sent - due,
      cpuMs: {
        runtime: (runtime.cpuMs()?.runtime ?? Number.NaN) - cpuBefore.runtime,
        pds: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpuBefore.pds)),
      },
      load: [loadBefore, loadavg()[0]!],
    };
    if (status !== 'published' || attempts.length !== 1 || attempts[0]!.outcome !== 'published') {
      process.stdout.write(
        `    ${kind} run ${run}: ${status} after ${attempts.length} attempt(s): ${JSON.stringify(attempts.map((a) => a.outcome))}\n`,
      );
    }
    return result;
  } finally {
    await db.end();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run() {
  const runs = Number(process.argv[3] ?? 3);
  const cases = (process.argv[4]?.split(',') ?? CASES) as Case[];
  process.stdout.write(
    `publish: the longest publications within our limits, ${runs} run(s) each of ${cases.join(', ')}; load ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
  );
  const base = {
    jpeg: await largestJpeg(),
    video: cases.includes('video') ? await paddedVideo(MAX_VIDEO_UPLOAD_BYTES) : Buffer.alloc(0),
  };
  process.stdout.write(
    `  image: ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} JPEG noise, ${base.jpeg.length} bytes (limit ${MAX_IMAGE_BLOB_BYTES}); ` +
      `thread: ${MAX_THREAD_ITEMS} posts × ${MAX_IMAGES_PER_POST} images = ${((MAX_THREAD_ITEMS * MAX_IMAGES_PER_POST * base.jpeg.length) / 1e6).toFixed(1)} MB; ` +
      `video: ${base.video.length} bytes, direct to the PDS, ${MAX_CAPTIONS_PER_VIDEO} captions\n`,
  );
  const requests: Request[] = [];
  const pds = await startDevPds({
    dataDir: await mkdtemp(join(tmpdir(), 'chronopost-bench-pds-')),
    blobUploadLimit: MAX_VIDEO_UPLOAD_BYTES,
  });
  watchRequests(pds.httpServer!, requests);
  const results: Run[] = [];
  try {
    const runtime = await startBenchRuntime({
      ...pdsBenchEnv(pds),
      // A publication longer than the timeout is measured to its end, not taken over by a redelivery.
      PUBLISH_VISIBILITY_TIMEOUT_SECONDS: '900',
    });
    try {
      const s3 = new S3Client({ ...localClientOptions(runtime.serviceEnv.AWS_ENDPOINT_URL_S3!), forcePathStyle: true });
      const account = await createPdsAccount(pds.url);
      await login({ url: runtime.url, env: runtime.serviceEnv }, account);
      for (let index = 0; index < runs; index++) {
        for (const kind of cases) {
          const result = await measure(runtime, s3, account, requests, kind, index, base);
          results.push(result);
          process.stdout.write(
            `  ${kind.padEnd(6)} run ${index}: ${result.status}, ${result.attempts} attempt(s); claim → write sent ${seconds(result.prepareMs)} ` +
              `(PDS: ${result.uploads} uploadBlob requests in ${seconds(result.uploadsMs)}), write ${seconds(result.writeMs)}, claim → published ${seconds(result.totalMs)}, ` +
              `due → write sent ${seconds(result.sentLateMs)}, due → published ${seconds(result.lateMs)}; CPU runtime ${seconds(result.cpuMs.runtime)}, PDS ${seconds(result.cpuMs.pds)}; load ${result.load.map((value) => value.toFixed(1)).join(' → ')}\n`,
          );
        }
      }
    } finally {
      await runtime.stop();
    }
  } finally {
    await pds.close();
  }

  for (const kind of cases) {
    const rows = results.filter((result) => result.case === kind && result.status === 'published');
    if (rows.length === 0) {
      process.stdout.write(`  ${kind}: no run published\n`);
      continue;
    }
    const line = (name: keyof Run) => {
      const values = rows.map((row) => row[name] as number);
      return `median ${seconds(median(values))}, worst ${seconds(Math.max(...values))}`;
    };
    process.stdout.write(
      `  ${kind}: preparation ${line('prepareMs')}; uploads at the PDS ${line('uploadsMs')}; write ${line('writeMs')}; claim → published ${line('totalMs')}\n`,
    );
  }
  // What the timings in core dispatch-policy.ts make of the worst runs.
  const published = (kind: Case) => results.filter((result) => result.case === kind && result.status === 'published');
  const worst = (kind: Case, name: 'prepareMs' | 'writeMs' | 'totalMs' | 'sentLateMs') =>
    Math.max(...published(kind).map((row) => row[name]));
  const check = (ok: boolean) => (ok ? 'yes' : 'NO');
  if (published('thread').length) {
    const uploads = MAX_UPLOADS_PER_POST;
    const perUpload = (worst('thread', 'prepareMs') - EARLY_DELIVERY_MS) / uploads;
    process.stdout.write(
      `  thread at short notice: worst preparation ${seconds(worst('thread', 'prepareMs'))} within earlyDeliveryMs(${uploads}) = ${seconds(earlyDeliveryMs(uploads))}? ` +
        `${check(worst('thread', 'prepareMs') <= earlyDeliveryMs(uploads))} (${perUpload.toFixed(0)} ms per image beyond EARLY_DELIVERY_MS, × ${TIME_MARGIN} = ${(perUpload * TIME_MARGIN).toFixed(0)} vs PREPARE_MS_PER_UPLOAD ${PREPARE_MS_PER_UPLOAD}); ` +
        `worst write ${seconds(worst('thread', 'writeMs'))} × ${TIME_MARGIN} within WRITE_BUDGET_MS ${seconds(WRITE_BUDGET_MS)}? ${check(worst('thread', 'writeMs') * TIME_MARGIN <= WRITE_BUDGET_MS)}\n` +
        `  timeout: PUBLISHER_TIMEOUT_SECONDS = ${PUBLISHER_TIMEOUT_SECONDS} s = ceil(earlyDeliveryMs(${uploads}) + 1 s + WRITE_BUDGET_MS); worst claim → published ${seconds(worst('thread', 'totalMs'))} × ${TIME_MARGIN} covered? ` +
        `${check(worst('thread', 'totalMs') * TIME_MARGIN <= PUBLISHER_TIMEOUT_SECONDS * 1000)}\n` +
        `  after a crash (AWS timing): taken over ≤ ${seconds(takeoverAfterDueMs(uploads))} after its second (visibility ${PUBLISH_VISIBILITY_TIMEOUT_SECONDS} s), ` +
        `+ worst claim → published ${seconds(worst('thread', 'totalMs'))} = ${seconds(takeoverAfterDueMs(uploads) + worst('thread', 'totalMs'))} (target 30 s: ` +
        `${check(takeoverAfterDueMs(uploads) + worst('thread', 'totalMs') <= 30_000)})\n`,
    );
  }
  if (published('thread-ahead').length) {
    process.stdout.write(
      `  thread scheduled ahead: worst due → write sent ${seconds(worst('thread-ahead', 'sentLateMs'))} (on its second: ${check(worst('thread-ahead', 'sentLateMs') < 1_000)})\n`,
    );
  }
  if (published('video').length) {
    process.stdout.write(
      `  video uploaded at publication (no prepare_video ahead): worst claim → published ${seconds(worst('video', 'totalMs'))} within the timeout? ` +
        `${check(worst('video', 'totalMs') <= PUBLISHER_TIMEOUT_SECONDS * 1000)}; after a crash: ≤ ${seconds(takeoverAfterDueMs(0) + worst('video', 'totalMs'))} after its second ` +
        `(the upload is kept in video_uploads, so a redelivery does not send it again)\n`,
    );
  }
}
