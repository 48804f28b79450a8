import { PutObjectCommand } from '@aws-sdk/client-s3';
import { deflateSync } from 'node:zlib';
import { createAtprotoFetch, recordWrittenAt } from '@chronopost/bluesky';
import { listAttempts, media } from '@chronopost/db';
import { collectMetrics, createMetrics } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { tick } from '@chronopost/service-dispatcher';
import { METRIC_NAMES } from '@chronopost/shared-schemas';
import {
  getRecord,
  listPosts,
  observedFetch,
  sqsRecord,
  testEnvironment,
  testS3Client,
  type TestUser,
  usePublishingRig,
} from '@chronopost/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../src/app';

const rkeyOf = (uri: string) => uri.split('/').at(-1)!;
/** The text a facet covers: its byte range of the UTF-8 text. */
const covered = (text: string, facet: { index: { byteStart: number; byteEnd: number } }) =>
  Buffer.from(text, 'utf8').subarray(facet.index.byteStart, facet.index.byteEnd).toString('utf8');

/** A real PNG (solid colour) of the given size, built by hand so the test needs no image library. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('publishing', () => {
  const rig = usePublishingRig();
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([rig.user(), rig.user()]);
  });

  /** Delivers from the queue until `count` messages went through the publisher. */
  async function deliverAll(count: number, publisher = rig.publisher()) {
    let delivered = 0;
    for (let round = 0; delivered < count && round < 20; round++) delivered += (await rig.deliver(publisher, { waitSeconds: 10 })).count;
    expect(delivered).toBe(count);
  }

  it('publishes a post and a five-item thread on their second, exactly as written', async () => {
    // A whole second a few seconds ahead: the tick queues both with a delay, the publisher prepares
    // and waits out the rest. The real clock throughout.
    const at = new Date(Math.ceil((Date.now() + 7_000) / 1000) * 1000);
    const single = await rig.schedule(alice, {
      items: [{ text: 'Good morning 🌅 from Chronopost', langs: ['en'] }],
      scheduledAt: at.toISOString(),
    });
    const texts = [
      `Thread 🧵 1/5: おはようございます、世界！ Hello @${bob.handle}`,
      '2/5 👨‍👩‍👧‍👦 read https://atproto.com/guides/overview today',
      '3/5 #日本語 と #Chronopost のテスト',
      '4/5 emoji 🇯🇵🎌 and a content label',
      '5/5 the end ✨',
    ];
    const thread = await rig.schedule(alice, {
      items: texts.map((text, index) => ({ text, langs: ['ja', 'en'], labels: index === 3 ? ['graphic-media'] : [] })),
      options: { replyControl: { mode: 'limited', allow: ['mentioned', 'following'] }, quoteControl: { allowQuotes: false } },
      scheduledAt: at.toISOString(),
    });

    const ticked = await tick(rig.dispatcher());
    expect(ticked).toMatchObject({ queued: 2, missed: 0, unsent: 0 });
    expect(await rig.depth()).toMatchObject({ visible: 0, delayed: 2 });
    const metrics = collectMetrics();
    await deliverAll(
      2,
      rig.publisher({ metrics: createMetrics({ service: 'publisher', namespace: 'Chronopost/test', write: metrics.write }) }),
    );

    const published = await rig.post(alice, single.id);
    const publishedThread = await rig.post(alice, thread.id);
    for (const post of [published, publishedThread]) {
      expect(post.status).toBe('published');
      const lateness = Date.parse(post.publishedAt!) - at.getTime();
      // Never early; on the second (the write itself takes a few ms on the local PDS).
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThan(1_000);
      // Made a second ahead and held (write-at-second.ts): it left on the second, and the PDS
      // committed it then (the commit's rev is the PDS's clock), not when it was made.
      const [attempt] = await listAttempts(rig.database.db, post.id);
      expect(attempt!.writeSentAt!.getTime() - at.getTime()).toBeGreaterThanOrEqual(0);
      expect(attempt!.writeSentAt!.getTime() - at.getTime()).toBeLessThan(1_000);
      const committed = await recordWrittenAt(
        globalThis.fetch,
        { did: alice.did, pdsUrl: testEnvironment().pdsUrl },
        post.items[0]!.cid!,
        new Date(at.getTime() - 60_000),
      );
      expect(committed!.getTime()).toBeGreaterThanOrEqual(at.getTime());
    }

    // The metrics the alarms read: two publications and their lateness, as EMF lines.
    expect(metrics.values(METRIC_NAMES.postsPublished)).toEqual([1, 1]);
    const lateness = metrics.values(METRIC_NAMES.publishLatenessMs);
    expect(lateness).toHaveLength(2);
    for (const ms of lateness) expect(ms).toBeGreaterThanOrEqual(0);
    for (const ms of lateness) expect(ms).toBeLessThan(5_000);

    // The single post.
    const post = await getRecord(alice.did, 'app.bsky.feed.post', single.items[0]!.rkey!);
    expect(post!.uri).toBe(published.items[0]!.uri);
    expect(post!.cid).toBe(published.items[0]!.cid);
    expect(post!.value).toMatchObject({ text: 'Good morning 🌅 from Chronopost', langs: ['en'] });
    expect(Date.parse(post!.value.createdAt)).toBeGreaterThanOrEqual(at.getTime());
    expect(post!.value.reply).toBeUndefined();

    // The thread: every item under its pre-assigned key, exact text, in order.
    const records = await Promise.all(thread.items.map((item) => getRecord(alice.did, 'app.bsky.feed.post', item.rkey!)));
    expect(records.map((record) => record!.value.text)).toEqual(texts);
    expect(records.map((record) => record!.uri)).toEqual(publishedThread.items.map((item) => item.uri));
    expect(records.map((record) => record!.cid)).toEqual(publishedThread.items.map((item) => item.cid));
    const [root, ...replies] = records.map((record) => record!);
    replies.forEach((reply, index) => {
      const parent = records[index]!;
      // The PDS does not check these CIDs: they were computed before the write, and must match.
      expect(reply.value.reply).toEqual({ root: { uri: root!.uri, cid: root!.cid }, parent: { uri: parent.uri, cid: parent.cid } });
      expect(Date.parse(reply.value.createdAt)).toBeGreaterThan(Date.parse(parent.value.createdAt));
    });
    for (const record of records) expect(record!.value.langs).toEqual(['ja', 'en']);
    expect(records[3]!.value.labels).toEqual({ $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'graphic-media' }] });
    expect(records[0]!.value.labels).toBeUndefined();

    // Facets at the right bytes, after emoji, ZWJ sequences, flags and Japanese.
    const facets = records.flatMap((record) =>
      (record!.value.facets ?? []).map((facet: any) => [covered(record!.value.text, facet), facet.features[0]]),
    );
    expect(facets).toEqual([
      [`@${bob.handle}`, { $type: 'app.bsky.richtext.facet#mention', did: bob.did }],
      ['https://atproto.com/guides/overview', { $type: 'app.bsky.richtext.facet#link', uri: 'https://atproto.com/guides/overview' }],
      ['#日本語', { $type: 'app.bsky.richtext.facet#tag', tag: '日本語' }],
      ['#Chronopost', { $type: 'app.bsky.richtext.facet#tag', tag: 'Chronopost' }],
    ]);

    // Who may reply and whether others may quote, on the root.
    const gate = await getRecord(alice.did, 'app.bsky.feed.threadgate', rkeyOf(root!.uri));
    expect(gate!.value).toMatchObject({
      post: root!.uri,
      allow: [{ $type: 'app.bsky.feed.threadgate#mentionRule' }, { $type: 'app.bsky.feed.threadgate#followingRule' }],
    });
    const postgate = await getRecord(alice.did, 'app.bsky.feed.postgate', rkeyOf(root!.uri));
    expect(postgate!.value).toMatchObject({ post: root!.uri, embeddingRules: [{ $type: 'app.bsky.feed.postgate#disableRule' }] });
    expect(await getRecord(alice.did, 'app.bsky.feed.threadgate', rkeyOf(post!.uri))).toBeUndefined();

    // One attempt each, recorded.
    const attempts = await listAttempts(rig.database.db, thread.id);
    expect(attempts).toMatchObject([{ attempt: 1, outcome: 'published', errorClass: null }]);
    expect(attempts[0]!.finishedAt).not.toBeNull();
  });

  it('reads the session while preparing, not again at the second: the write goes out with the token set read then', async () => {
    const carol = await rig.user();
    const at = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
    const text = 'written with the token set read while preparing';
    const post = await rig.schedule(carol, { items: [{ text }], scheduledAt: at.toISOString() });
    expect(await tick(rig.dispatcher())).toMatchObject({ queued: 1 });
    // The stored session disappears while the publisher waits for the second: a write that read
    // it again (the lock, the row, the vault) would find no session and block the post.
    const publisher = rig.publisher({
      sleep: async (ms) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        await rig.database.db.$client.query('DELETE FROM oauth_sessions WHERE did = $1', [carol.did]);
      },
    });
    await deliverAll(1, publisher);
    expect(await rig.post(carol, post.id)).toMatchObject({ status: 'published' });
    expect((await getRecord(carol.did, 'app.bsky.feed.post', post.items[0]!.rkey!))!.value).toMatchObject({ text });
  });

  it('gets a DPoP nonce before the second, once for the posts of a batch, so the PDS takes each write the first time', async () => {
    const [dave, erin] = await Promise.all([rig.user(), rig.user()]);
    const at = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
    // Two accounts on the one test PDS, due at the same second: one batch, one nonce read.
    const posted = await Promise.all(
      [dave, erin].map(async (user) => ({
        user,
        post: await rig.schedule(user, { items: [{ text: 'sent once, with a nonce the PDS takes' }], scheduledAt: at.toISOString() }),
      })),
    );
    expect(await tick(rig.dispatcher())).toMatchObject({ queued: 2 });
    // A new publisher container: its OAuth client holds no nonce of the PDS yet (as one that has
    // not talked to it for a minute). Its fetch is the real one, watched.
    const seen: Array<{ path: string; status: number; at: number }> = [];
    const fetch = observedFetch(createAtprotoFetch(rig.publisher().config.oauthClient), (path, response) =>
      seen.push({ path, status: response.status, at: Date.now() }),
    );
    await deliverAll(2, rig.publisher({ fetch }));
    for (const { user, post } of posted) expect(await rig.post(user, post.id)).toMatchObject({ status: 'published' });
    const writes = seen.filter((request) => request.path === '/xrpc/com.atproto.repo.applyWrites');
    expect(writes.map((write) => write.status)).toEqual([200, 200]);
    // The nonce came with a read before the second (refused once for it, then answered).
    const reads = seen.filter((request) => request.path === '/xrpc/com.atproto.server.getSession');
    expect(reads.map((read) => read.status)).toEqual([401, 200]);
    expect(reads[1]!.at).toBeLessThan(at.getTime());
  });

  it('uploads images with their alt text and quotes a post by its strong ref', async () => {
    const bytes = png(40, 30);
    const key = `${alice.did}/photo.png`;
    await testS3Client().send(new PutObjectCommand({ Bucket: rig.bucket, Key: key, Body: bytes, ContentType: 'image/png' }));
    const [image] = await rig.database.db
      .insert(media)
      .values({
        ownerDid: alice.did,
        s3Key: `uploads/${key}`,
        processedKey: key,
        state: 'ready',
        mime: 'image/png',
        bytes: bytes.length,
        width: 40,
        height: 30,
      })
      .returning({ id: media.id });
    const quoted = (await listPosts(alice.did))[0]!;

    const at = new Date(Date.now() + 2_000);
    const post = await rig.schedule(alice, {
      items: [
        {
          text: 'A picture, and a quote',
          embed: { type: 'quoteWithImages', uri: quoted.uri, images: [{ mediaId: image!.id, alt: 'A grey square, 40 by 30' }] },
        },
      ],
      scheduledAt: at.toISOString(),
    });
    await tick(rig.dispatcher());
    await deliverAll(1);

    expect((await rig.post(alice, post.id)).status).toBe('published');
    const record = await getRecord(alice.did, 'app.bsky.feed.post', post.items[0]!.rkey!);
    const embed = record!.value.embed;
    expect(embed.$type).toBe('app.bsky.embed.recordWithMedia');
    expect(embed.record).toEqual({ $type: 'app.bsky.embed.record', record: { uri: quoted.uri, cid: quoted.cid } });
    const [uploaded] = embed.media.images;
    expect(uploaded).toMatchObject({ alt: 'A grey square, 40 by 30', aspectRatio: { width: 40, height: 30 } });
    expect(uploaded.image).toMatchObject({ $type: 'blob', mimeType: 'image/png', size: bytes.length });
    // The blob is the image, byte for byte.
    const blob = await fetch(
      `${testEnvironment().pdsUrl}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(alice.did)}&cid=${uploaded.image.ref.$link}`,
    );
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('fails a post whose quoted post is gone, with the reason, and writes nothing', async () => {
    const before = (await listPosts(alice.did)).length;
    const at = new Date(Date.now() + 2_000);
    const post = await rig.schedule(alice, {
      items: [{ text: 'Quoting a ghost', embed: { type: 'quote', uri: `at://${bob.did}/app.bsky.feed.post/3kabcdefghij2` } }],
      scheduledAt: at.toISOString(),
    });
    await tick(rig.dispatcher());
    await deliverAll(1);
    const failed = await rig.post(alice, post.id);
    expect(failed).toMatchObject({ status: 'failed', lastError: { class: 'validation', message: 'The post you quote no longer exists.' } });
    expect((await listPosts(alice.did)).length).toBe(before);
  });

  it('answers a batch per message: bad messages fail alone, stale ones are acknowledged', async () => {
    const handler = makeHandler(rig.publisher());
    const post = await rig.schedule(alice, {
      items: [{ text: 'not queued yet' }],
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const message = (postId: string) =>
      JSON.stringify({
        postId,
        action: 'publish',
        attempt: 1,
        requestedAt: new Date().toISOString(),
        scheduledAt: new Date().toISOString(),
      });
    const response = await handler(
      {
        Records: [
          sqsRecord('stale', message(post.id)),
          sqsRecord('deleted-post', message('00000000-0000-4000-8000-000000000000')),
          sqsRecord('not-json', '{"postId":'),
          sqsRecord('wrong-shape', JSON.stringify({ postId: post.id, action: 'delete' })),
        ],
      },
      lambdaContext('publisher', 60_000),
    );
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['not-json', 'wrong-shape']);
    // A message for a post that is not queued changes nothing.
    expect((await rig.post(alice, post.id)).status).toBe('scheduled');
  });
});
