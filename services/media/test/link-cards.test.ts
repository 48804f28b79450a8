import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@chronopost/lambda-kit';
import { lambdaContext } from '@chronopost/local';
import { tick } from '@chronopost/service-dispatcher';
import { type ErrorResponse, linkPreviewSchema, mediaSchema, renderMessage } from '@chronopost/shared-schemas';
import { getBlob, getRecord, s3Event, type TestUser, usePublishingRig } from '@chronopost/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler } from '../src/app';

/**
 * Link cards end to end: `POST /link-preview` fetches a page from a local web server through the
 * SSRF-safe fetcher, its image goes through the media pipeline, and the card is published to the
 * local PDS. The site is on 127.0.0.1, so its origin (and only it) is allowed by configuration,
 * FETCH_ALLOW_PRIVATE_ORIGINS, as a local PDS would be; every other rule is the production one.
 */

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const cover = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 20, g: 120, b: 200 } } })
  .jpeg()
  .toBuffer();
// What an attacker wants the server to fetch: it must never see a request.
const internal = await listen((_request, response) => response.end('internal secret'));
const site = await listen((request, response) => {
  const url = new URL(request.url ?? '/', 'http://site');
  if (url.pathname === '/article') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return response.end(`<!doctype html><html><head>
      <title>Plain title</title>
      <meta property="og:title" content="Cherry blossoms &amp; spring — 桜の季節">
      <meta property="og:description" content="Where to see them this year.">
      <meta property="og:image" content="/images/cover.jpg">
      <meta name="twitter:title" content="Not this one">
      </head><body><p>Text</p></body></html>`);
  }
  if (url.pathname === '/sjis') {
    // A Japanese page in Shift_JIS, declared only in the page itself: 「お知らせ」
    response.writeHead(200, { 'content-type': 'text/html' });
    return response.end(
      Buffer.concat([
        Buffer.from('<html><head><meta charset="Shift_JIS"><title>'),
        Buffer.from([0x82, 0xa8, 0x92, 0x6d, 0x82, 0xe7, 0x82, 0xb9]),
        Buffer.from('</title></head></html>'),
      ]),
    );
  }
  if (url.pathname === '/images/cover.jpg') {
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    return response.end(cover);
  }
  if (url.pathname === '/redirect') {
    response.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
    return response.end();
  }
  response.writeHead(404);
  response.end();
});

describe('link cards', () => {
  const rig = usePublishingRig({ env: { FETCH_ALLOW_PRIVATE_ORIGINS: site.origin } });
  let alice: TestUser;
  let handler: ReturnType<typeof makeHandler>;

  beforeAll(async () => {
    alice = await rig.user();
    const media = createContext(loadConfig(rig.services.env), loadSecrets(rig.services.env), {
      db: rig.database.db,
      logger: createLogger('media', 'SILENT'),
    });
    handler = makeHandler(media);
  });
  afterAll(() => {
    site.server.close();
    internal.server.close();
  });

  const preview = (url: string) =>
    fetch(`${rig.services.url}/link-preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });

  it('reads the page’s card, brings its image through the media pipeline, and publishes it', async () => {
    const url = `${site.origin}/article`;
    const response = await preview(url);
    expect(response.status).toBe(200);
    const card = linkPreviewSchema.parse(await response.json());
    expect(card).toMatchObject({ uri: url, title: 'Cherry blossoms & spring — 桜の季節', description: 'Where to see them this year.' });
    expect(card.thumbMediaId).not.toBeNull();

    // The thumbnail is an upload like any other: the bucket's notification starts the media Lambda.
    await handler(s3Event(rig.bucket, `uploads/${card.thumbMediaId}`), lambdaContext('media', 60_000));
    const thumb = mediaSchema.parse(
      await (await fetch(`${rig.services.url}/media/${card.thumbMediaId}`, { headers: { authorization: `Bearer ${alice.token}` } })).json(),
    );
    expect(thumb).toMatchObject({ state: 'ready', width: 1200, height: 630, mimeType: 'image/jpeg' });

    const post = await rig.schedule(alice, {
      items: [
        {
          text: 'Worth a read',
          embed: { type: 'external', uri: card.uri, title: card.title, description: card.description, thumbMediaId: thumb.id },
        },
      ],
      scheduledAt: new Date(Date.now() + 2_000).toISOString(),
    });
    await tick(rig.dispatcher());
    expect((await rig.deliver(rig.publisher(), { waitSeconds: 10 })).count).toBe(1);
    expect((await rig.post(alice, post.id)).status).toBe('published');
    const record = await getRecord(alice.did, 'app.bsky.feed.post', post.items[0]!.rkey!);
    const external = record!.value.embed;
    expect(external).toMatchObject({
      $type: 'app.bsky.embed.external',
      external: {
        uri: url,
        title: card.title,
        description: card.description,
        thumb: { $type: 'blob', mimeType: 'image/jpeg', size: thumb.bytes },
      },
    });
    expect((await getBlob(alice.did, external.external.thumb.ref.$link)).length).toBe(thumb.bytes);
  });

  it('answers a repeated request from its cache, without fetching the page again', async () => {
    const url = `${site.origin}/article?again`;
    const first = linkPreviewSchema.parse(await (await preview(url)).json());
    const hits = site.hits.length;
    const second = linkPreviewSchema.parse(await (await preview(url)).json());
    expect(second).toEqual(first);
    expect(site.hits.length).toBe(hits);
  });

  it('refuses a page that answers with an error, with its status as the code’s param', async () => {
    const response = await preview(`${site.origin}/no-such-page`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.error.issues).toEqual([
      {
        path: 'url',
        code: 'unreachable',
        params: { status: 404 },
        message: renderMessage({ code: 'unreachable', params: { status: 404 } }),
      },
    ]);
  });

  it('reads a page in its own encoding (Shift_JIS)', async () => {
    const card = linkPreviewSchema.parse(await (await preview(`${site.origin}/sjis`)).json());
    expect(card.title).toBe('お知らせ');
    expect(card.thumbMediaId).toBeNull();
  });

  describe('refuses to fetch anything but the public web', () => {
    const port = new URL(internal.origin).port;
    it.each([
      ['127.0.0.1', `http://127.0.0.1:${port}/`],
      ['localhost', `http://localhost:${port}/`],
      ['169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
      ['[::1]', `http://[::1]:${port}/`],
      ['[::ffff:127.0.0.1]', `http://[::ffff:127.0.0.1]:${port}/`],
      ['a decimal IP', `http://2130706433:${port}/`],
      ['a redirect from the allowed site to loopback', `${site.origin}/redirect?to=${encodeURIComponent(`${internal.origin}/admin`)}`],
    ])('%s', async (_name, url) => {
      const response = await preview(url);
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorResponse;
      expect(body.error.issues).toEqual([
        expect.objectContaining({ path: 'url', code: expect.stringMatching(/^blocked_(address|port)$/) }),
      ]);
      expect(internal.hits).toEqual([]);
    });

    it('names the address rule when the port is a web port', async () => {
      const body = (await (await preview('http://127.0.0.1/')).json()) as ErrorResponse;
      expect(body.error.issues?.[0]).toMatchObject({ path: 'url', code: 'blocked_address' });
      // The sentence is the catalogue's (which the web app renders in Japanese too).
      expect(body.error.issues?.[0]?.message).toBe(renderMessage({ code: 'blocked_address' }));
      expect(renderMessage({ code: 'blocked_address' }, 'ja')).toMatch(/プライベートネットワーク/);
    });
  });
});
