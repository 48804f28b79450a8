import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getBlob, getRecord, hasChromium, useWebApp } from '@chronopost/testing';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { ja } from '../src/i18n/ja';
import { setTime, wallTime } from './schedule-fields';

/**
 * Images and a link card from the composer to the published records, everything real: the browser
 * uploads to the S3 stand-in with the API's presigned form, the bucket's notification runs the
 * media Lambda (sharp) as `pnpm dev` does, and `POST /link-preview` fetches a page from a web
 * server this test starts. That server is on 127.0.0.1, which the SSRF-safe fetcher refuses unless
 * configured: its origin (and only it) is allowed by FETCH_ALLOW_PRIVATE_ORIGINS, as the API's own
 * link-card tests do.
 */

const cover = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 30, g: 110, b: 90 } } })
  .jpeg()
  .toBuffer();
const site = createServer((request, response) => {
  if (request.url === '/article') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>Plain</title>
      <meta property="og:title" content="Autumn leaves in Kyoto — 京都の紅葉">
      <meta property="og:description" content="Where the colours are this week.">
      <meta property="og:image" content="/cover.jpg"></head><body></body></html>`);
  } else if (request.url === '/cover.jpg') {
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    response.end(cover);
  } else {
    response.writeHead(404);
    response.end();
  }
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

/** Two different pictures, made here: a wide JPEG and a tall PNG. */
const pictures = [
  {
    name: 'river.jpg',
    mimeType: 'image/jpeg',
    buffer: await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .jpeg()
      .toBuffer(),
    size: { width: 800, height: 600 },
  },
  {
    name: 'tower.png',
    mimeType: 'image/png',
    buffer: await sharp({ create: { width: 400, height: 700, channels: 4, background: { r: 40, g: 60, b: 200, alpha: 1 } } })
      .png()
      .toBuffer(),
    size: { width: 400, height: 700 },
  },
];

describe.skipIf(!hasChromium())('images and link cards in the composer (Chromium, the media Lambda, the local PDS)', () => {
  const rig = useWebApp({ suite: 'media', env: { FETCH_ALLOW_PRIVATE_ORIGINS: siteOrigin } });
  afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

  it('uploads two images, asks for their alt text, shows a pasted link’s card, and publishes both embeds', async () => {
    const author = await rig.account();
    const page = await rig.open({ locale: 'en-US' });
    await rig.signIn(page, author, '/compose');
    const editors = page.locator('[data-testid=item-text]');
    await editors.first().fill('Two pictures from the walk');

    // Picked with the file chooser, as a user would.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: en.attachments.add }).first().click();
    await (await chooser).setFiles(pictures.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
    const cards = page.getByTestId('image-card');
    await expect.poll(() => cards.count()).toBe(2);
    // Uploaded, then checked and processed by the media Lambda; the previews come from storage.
    await expect
      .poll(() => cards.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-status'))), { timeout: 60_000 })
      .toEqual(['ready', 'ready']);
    await expect
      .poll(() =>
        cards
          .locator('img')
          .evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0)),
      )
      .toEqual([true, true]);

    // Without alt text each image says what that means; writing it makes the warning go.
    const missing = page.locator('.image-card .hint', { hasText: en.attachments.altMissing });
    await expect.poll(() => missing.count()).toBe(2);
    await rig.screenshot(page, 'compose-images-no-alt-en-US-light-desktop');
    const alts = ['A red river at sunset', 'A blue tower against the sky'];
    await page.getByLabel(en.attachments.alt(1)).fill(alts[0]!);
    await expect.poll(() => missing.count()).toBe(1);
    await page.getByLabel(en.attachments.alt(2)).fill(alts[1]!);
    await expect.poll(() => missing.count()).toBe(0);

    // A second post with a pasted link: its card comes from the page (through the API), thumbnail included.
    await page.getByRole('button', { name: en.compose.addPost }).click();
    const link = `${siteOrigin}/article`;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rig.web.url });
    await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(`Read this: ${link}`)})`);
    await editors.nth(1).focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => editors.nth(1).inputValue()).toBe(`Read this: ${link}`);
    const card = page.getByTestId('link-card');
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toContain('Autumn leaves in Kyoto — 京都の紅葉');
    expect(await card.textContent()).toContain('Where the colours are this week.');
    await expect
      .poll(() => card.locator('img').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth), { timeout: 30_000 })
      .toBe(1200);

    // The same screen in both languages, on a desktop and on a phone.
    await page.locator('.account-button').click();
    await page.getByRole('combobox', { name: en.preferences.language, exact: true }).selectOption('ja');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await expect.poll(() => page.locator('.image-card .label').first().textContent()).toBe(ja.attachments.alt(1));
    for (const viewport of ['desktop', 'phone'] as const) {
      await page.setViewportSize(viewport === 'desktop' ? { width: 1280, height: 860 } : { width: 390, height: 844 });
      await rig.screenshot(page, `compose-images-link-ja-JP-light-${viewport}`);
      expect(await rig.accessibility(page)).toEqual([]);
    }
    await page.locator('.account-button').click();
    await page.getByRole('combobox', { name: ja.preferences.language, exact: true }).selectOption('en');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await rig.screenshot(page, 'compose-images-link-en-US-light-phone');
    expect(await rig.accessibility(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 860 });

    // 20 s ahead: the screenshot and the accessibility check before sending have 15 s (lead: 5 s).
    const due = Date.now() + 20_000;
    const { date, time } = wallTime(due);
    await setTime(page, date, time);
    await rig.screenshot(page, 'compose-images-link-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    const created = page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/posts',
    );
    await page.getByRole('button', { name: en.actions.schedule, exact: true }).click();
    const post = (await (await created).json()) as { id: string };
    await page.getByTestId('compose-result').waitFor();

    await expect
      .poll(
        async () =>
          (await rig.database.db.$client.query<{ status: string }>('SELECT status FROM posts WHERE id = $1', [post.id])).rows[0]?.status,
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe('published');
    const items = await rig.database.db.$client.query<{ uri: string }>('SELECT uri FROM post_items WHERE post_id = $1 ORDER BY position', [
      post.id,
    ]);
    const records = await Promise.all(items.rows.map((row) => getRecord(author.did, 'app.bsky.feed.post', row.uri.split('/').at(-1)!)));

    // The images with their alt text and shapes, as blobs the PDS holds.
    const images = records[0]!.value.embed;
    expect(images.$type).toBe('app.bsky.embed.images');
    expect(images.images.map((image: { alt: string }) => image.alt)).toEqual(alts);
    expect(images.images.map((image: { aspectRatio: unknown }) => image.aspectRatio)).toEqual(pictures.map((picture) => picture.size));
    for (const image of images.images as Array<{ image: { $type: string; size: number; ref: { $link: string } } }>) {
      expect(image.image.$type).toBe('blob');
      expect((await getBlob(author.did, image.image.ref.$link)).length).toBe(image.image.size);
    }
    // The link card as an external embed, with the page's title, description and image.
    expect(records[1]!.value.embed).toMatchObject({
      $type: 'app.bsky.embed.external',
      external: {
        uri: link,
        title: 'Autumn leaves in Kyoto — 京都の紅葉',
        description: 'Where the colours are this week.',
        thumb: { $type: 'blob', mimeType: 'image/jpeg' },
      },
    });
    expect(records[1]!.value.text).toBe(`Read this: ${link}`);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 240_000);
});
