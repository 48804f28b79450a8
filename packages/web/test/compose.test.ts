import { type Post, postSchema, renderMessage } from '@chronopost/shared-schemas';
import { hasChromium, useWebApp } from '@chronopost/testing';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { ja } from '../src/i18n/ja';
import { setTime, wallTime, ZONE } from './schedule-fields';

/** The last Sunday of a month (when the EU changes its clocks), the next one at least a day away. */
function nextLastSunday(month: 3 | 10, now = new Date()): string {
  for (let year = now.getUTCFullYear(); ; year += 1) {
    const day = new Date(Date.UTC(year, month, 0));
    day.setUTCDate(day.getUTCDate() - day.getUTCDay());
    if (day.getTime() > now.getTime() + 86_400_000) return day.toISOString().slice(0, 10);
  }
}

const postRequests = (page: Page) => {
  const seen: Request[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/posts') seen.push(request);
  });
  return seen;
};

describe.skipIf(!hasChromium())('the composer (web app in Chromium, the local stack and PDS)', () => {
  const rig = useWebApp({ suite: 'compose' });

  it('writes a three-post thread in Japanese with an emoji, a mention and a link, refuses 301 characters, schedules it 20 s ahead and publishes it; switches language and back; signs out', async () => {
    const [author, friend] = [await rig.account(), await rig.account()];
    const page = await rig.open({ locale: 'en-US' });
    const posts = postRequests(page);
    await rig.signIn(page, author, '/compose');
    await page.locator('[data-testid=item-text]').first().waitFor();
    await rig.screenshot(page, 'compose-empty-en-US-light-desktop');

    const texts = [
      `今日は新しい展示を見に行きました🎨 @${friend.handle} と一緒に。`,
      '詳しくはこちら https://example.com/tenji?id=42 をご覧ください。',
      'また来週も行きたいです #アート',
    ];
    const editors = page.locator('[data-testid=item-text]');
    // 301 characters: the counter goes below zero and nothing can be scheduled; said in the API's words.
    const tooLong = renderMessage({ code: 'too_long', params: { graphemes: 301, max: 300 } });
    await editors.nth(0).fill('あ'.repeat(301));
    await expect.poll(() => page.locator('[data-testid=counter]').first().textContent()).toContain('-1');
    await expect.poll(() => page.locator('.item-problems').first().textContent()).toContain(tooLong);
    // The button says it cannot schedule (aria-disabled) but still explains why when pressed.
    const schedule = page.getByRole('button', { name: en.actions.schedule, exact: true });
    expect(await schedule.getAttribute('aria-disabled')).toBe('true');
    await schedule.press('Enter');
    await expect.poll(() => page.getByTestId('compose-problems').textContent()).toContain(en.compose.itemProblem(1, tooLong));
    expect(posts).toHaveLength(0);
    await rig.screenshot(page, 'compose-too-long-en-US-light-desktop');

    await editors.nth(0).fill(texts[0]!);
    await page.getByRole('button', { name: en.compose.addPost }).click();
    await editors.nth(1).fill(texts[1]!);
    await page.getByRole('button', { name: en.compose.addPost }).click();
    await editors.nth(2).fill(texts[2]!);
    // Facets drawn as Bluesky will make them, in the editor and the preview.
    await expect.poll(() => page.locator('.editor-highlights mark.facet-mention').allTextContents()).toEqual([`@${friend.handle}`]);
    await expect
      .poll(() => page.locator('.editor-highlights mark.facet-link').allTextContents())
      .toEqual(['https://example.com/tenji?id=42']);
    await expect.poll(() => page.locator('.editor-highlights mark.facet-tag').allTextContents()).toEqual(['#アート']);
    await expect.poll(() => page.locator('.bsky-post').count()).toBe(3);
    await expect.poll(() => page.locator('.bsky-facet').count()).toBe(3);
    // The emoji counts as one character, like the Japanese ones.
    await expect
      .poll(() => page.locator('[data-testid=counter]').first().textContent())
      .toContain(String(300 - [...new Intl.Segmenter().segment(texts[0]!)].length));

    // Japanese as the post's language; 20 seconds from now, in the browser's zone (the rig's minimum
    // lead is 5 s: the screenshot and the accessibility check before sending have 15 s).
    await page.getByRole('button', { name: en.languages.remove('English') }).click();
    await page.getByRole('combobox', { name: en.languages.add }).selectOption('ja');
    const due = Date.now() + 20_000;
    const { date, time } = wallTime(due);
    await setTime(page, date, time);
    await rig.screenshot(page, 'compose-thread-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    await page.getByRole('button', { name: en.actions.schedule, exact: true }).click();
    await page.getByTestId('compose-result').waitFor();
    const said = await page.getByTestId('compose-result').textContent();
    expect(said).toContain(en.result.scheduled('').replace(/\.$/, '').trim());
    expect(said).toContain(new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(due));
    expect(posts).toHaveLength(1);
    const sent = posts[0]!.postDataJSON() as { items: Array<{ text: string; langs: string[] }>; scheduledAt: string };
    expect(sent.items.map((item) => item.text)).toEqual(texts);
    expect(sent.items.every((item) => item.langs.join() === 'ja')).toBe(true);
    expect(sent.scheduledAt).toBe(`${date}T${time}[${ZONE}]`);
    const created = postSchema.parse(await (await posts[0]!.response())!.json());
    // Due within the dispatcher's look-ahead: the API may already have queued it.
    expect(['scheduled', 'queued']).toContain(created.status);
    expect(Date.parse(created.scheduledAt!)).toBe(Math.floor(due / 1000) * 1000);
    expect(created.items[0]!.facets.map((facet) => facet.type)).toEqual(['mention']);
    expect(created.items[1]!.facets).toEqual([expect.objectContaining({ type: 'link', value: 'https://example.com/tenji?id=42' })]);
    await rig.screenshot(page, 'compose-scheduled-en-US-light-desktop');

    // Switch the interface to Japanese and back, kept across a reload.
    await page.locator('.account-button').click();
    await page.getByRole('combobox', { name: en.preferences.language, exact: true }).selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await expect.poll(() => page.locator('.primary-nav').textContent()).toContain(ja.nav.calendar);
    await page.reload();
    await expect.poll(() => page.locator('.primary-nav').textContent()).toContain(ja.nav.calendar);
    await page.locator('.account-button').click();
    await page.getByRole('combobox', { name: ja.preferences.language, exact: true }).selectOption('en');
    await expect.poll(() => page.locator('.primary-nav').textContent()).toContain(en.nav.calendar);
    await page.keyboard.press('Escape');

    // It goes out on its own: published, three records, in order.
    await expect
      .poll(
        async () => {
          const row = await rig.database.db.$client.query<{ status: string }>('SELECT status FROM posts WHERE id = $1', [created.id]);
          return row.rows[0]?.status;
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('published');
    const uris = await rig.database.db.$client.query<{ uri: string | null }>(
      'SELECT uri FROM post_items WHERE post_id = $1 ORDER BY position',
      [created.id],
    );
    expect(uris.rows.every((row) => row.uri?.startsWith(`at://${author.did}/app.bsky.feed.post/`))).toBe(true);

    await page.locator('.account-button').click();
    await page.getByRole('button', { name: en.nav.signOut }).click();
    await page.getByRole('dialog').getByRole('button', { name: en.signOut.confirm, exact: true }).click();
    await page.waitForURL(`${rig.web.url}/sign-in`);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 150_000);

  it('splits a long text into a thread, quotes a pasted Bluesky link, warns of an unknown mention, saves a draft and edits it', async () => {
    const [author, friend] = [await rig.account(), await rig.account()];
    const page = await rig.open({ locale: 'en-US' });
    const sent: Array<{ method: string; headers: Record<string, string>; body: unknown }> = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/posts') && request.method() !== 'GET')
        sent.push({ method: request.method(), headers: request.headers(), body: request.postDataJSON() });
    });
    await rig.signIn(page, author, '/compose');
    const editors = page.locator('[data-testid=item-text]');

    const sentence = 'Chronopost publishes a thread at the second you chose, in order, exactly once. ';
    await editors.first().fill(sentence.repeat(6).trim());
    await expect.poll(() => page.getByTestId('split-offer').textContent()).toContain(en.compose.splitOffer(2));
    await page.getByRole('button', { name: en.compose.splitButton }).click();
    await expect.poll(() => editors.count()).toBe(2);
    for (const index of [0, 1]) expect((await editors.nth(index).inputValue()).endsWith('exactly once.')).toBe(true);

    // A bsky.app post link becomes a quote, on request.
    const link = `https://bsky.app/profile/${friend.handle}/post/3kabc234def`;
    await editors.nth(1).fill(`${await editors.nth(1).inputValue()} ${link}`);
    await page.getByRole('button', { name: en.compose.quoteOfferButton }).click();
    expect(await page.getByLabel(en.compose.quoteLabel(2)).inputValue()).toBe(link);
    expect(await editors.nth(1).inputValue()).not.toContain('bsky.app');
    await expect.poll(() => page.locator('.bsky-quote').count()).toBe(1);

    // A mention nobody answers to is pointed out before anything is saved.
    await editors.first().fill(`${await editors.first().inputValue()} @nobody-here.test`);
    await expect.poll(() => page.locator('.field-warning').first().textContent()).toContain(en.compose.mentionNotFound('nobody-here.test'));

    for (const [locale, colorScheme, viewport] of [
      ['ja', 'dark', 'phone'],
      ['ja', 'light', 'desktop'],
      ['en', 'dark', 'desktop'],
      ['en', 'light', 'phone'],
    ] as const) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize(viewport === 'phone' ? { width: 390, height: 844 } : { width: 1280, height: 860 });
      await page.locator('.account-button').click();
      await page.locator('#menu-language').selectOption(locale);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('h1').textContent()).toBe((locale === 'ja' ? ja : en).compose.newTitle);
      await rig.screenshot(page, `compose-thread-${locale}-${colorScheme}-${viewport}`);
      expect(await rig.accessibility(page)).toEqual([]);
    }

    await page.getByRole('button', { name: en.actions.saveDraft }).click();
    await page.getByTestId('compose-result').waitFor();
    expect(await page.getByTestId('compose-result').textContent()).toContain(en.result.drafted);
    expect(await page.getByTestId('compose-result').textContent()).toContain(
      renderMessage({ code: 'unresolved_mention', params: { handle: 'nobody-here.test' } }),
    );
    const draft = sent.at(-1)!;
    expect(draft).toMatchObject({ method: 'POST', body: { scheduledAt: null } });
    expect((draft.body as { items: Array<{ embed?: unknown }> }).items[1]!.embed).toEqual({ type: 'quote', uri: link });
    const id = (await rig.database.db.$client.query<{ id: string }>('SELECT id FROM posts WHERE owner_did = $1', [author.did])).rows[0]!.id;

    // Editing the draft: loaded into the composer, saved with the version it was read at.
    await page.goto(`${rig.web.url}/compose/${id}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(en.compose.editTitle);
    await expect.poll(() => editors.count()).toBe(2);
    expect(await page.getByLabel(en.compose.quoteLabel(2)).inputValue()).toBe(`at://${friend.handle}/app.bsky.feed.post/3kabc234def`);
    await editors.first().fill('Edited. Chronopost publishes a thread at the second you chose.');
    await page.getByRole('button', { name: en.schedule.tomorrowMorning }).click();
    await page.getByRole('button', { name: en.actions.update }).click();
    await page.getByTestId('compose-result').waitFor();
    const edit = sent.at(-1)!;
    expect(edit.method).toBe('PATCH');
    expect(edit.headers['if-match']).toBe('"1"');
    const row = await rig.database.db.$client.query<{ status: string; version: number }>(
      'SELECT status, version FROM posts WHERE id = $1',
      [id],
    );
    expect(row.rows[0]).toEqual({ status: 'scheduled', version: 2 });
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 150_000);

  it('shows what the API decided about the times the clocks skip and repeat (Europe/Paris), in words, where Temporal is polyfilled', async () => {
    const page = await rig.open({ locale: 'en-US' });
    // As in a browser without Temporal (Safari today): the composer loads the polyfill and takes
    // the text while it arrives.
    await page.addInitScript('delete globalThis.Temporal');
    const polyfill = page.waitForRequest((request) => new URL(request.url()).pathname.includes('temporal-polyfill'));
    await rig.signIn(page, await rig.account(), '/compose');
    await page.locator('[data-testid=item-text]').first().fill('Twice or never');
    await polyfill;

    // Spring forward: 02:30 does not exist. The picker says so; the API refuses it, and that is shown.
    await setTime(page, nextLastSunday(3), '02:30:00');
    await expect.poll(() => page.getByTestId('when-summary').textContent()).toContain('does not exist in Europe/Paris');
    // The preview does not pretend it goes out "now".
    await expect.poll(() => page.getByTestId('preview-time').first().textContent()).toBe(en.preview.skippedTime);
    const refused = page.waitForResponse((response) => new URL(response.url()).pathname === '/posts');
    await page.getByRole('button', { name: en.actions.schedule, exact: true }).click();
    const answer = await refused;
    expect(answer.status()).toBe(400);
    expect((await answer.json()) as unknown).toMatchObject({
      error: { issues: [{ path: 'scheduledAt', code: 'nonexistent_local_time' }] },
    });
    await expect
      .poll(() => page.getByTestId('schedule-error').textContent())
      .toBe(renderMessage({ code: 'nonexistent_local_time', params: { zone: ZONE } }));
    await rig.screenshot(page, 'compose-dst-skipped-en-US-light-desktop');

    // Fall back: 02:30 happens twice; the API takes the first (UTC+2), and the app says which.
    const autumn = nextLastSunday(10);
    await setTime(page, autumn, '02:30:00');
    await expect.poll(() => page.getByTestId('when-summary').textContent()).toContain('happens twice in Europe/Paris');
    const accepted = page.waitForResponse((response) => new URL(response.url()).pathname === '/posts');
    await page.getByRole('button', { name: en.actions.schedule, exact: true }).click();
    const post: Post = postSchema.parse(await (await accepted).json());
    expect(post.scheduledAt).toBe(`${autumn}T00:30:00.000Z`);
    expect(post.timeZone).toBe(ZONE);
    const result = await page.getByTestId('compose-result').textContent();
    expect(result).toContain('02:30');
    expect(result).toContain('GMT+2');
    expect(await page.getByTestId('result-occurrence').textContent()).toBe(en.result.occurrence(ZONE, 'first'));
    await rig.screenshot(page, 'compose-dst-repeated-en-US-light-desktop');
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
