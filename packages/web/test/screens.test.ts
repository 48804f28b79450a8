import { notify } from '@chronopost/db';
import { renderMessage } from '@chronopost/shared-schemas';
import { hasChromium, useWebApp } from '@chronopost/testing';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { ja } from '../src/i18n/ja';
import { screensEn as sen } from '../src/i18n/screens-en';
import { screensJa as sja } from '../src/i18n/screens-ja';

interface ApiPost {
  id: string;
  status: string;
  version: number;
  scheduledAt: string | null;
  timeZone: string | null;
  items: Array<{ uri: string | null }>;
}

describe.skipIf(!hasChromium())('calendar, posts, a post’s page, notifications and settings (the web app in Chromium)', () => {
  const rig = useWebApp({ suite: 'screens' });

  /** The API as the signed-in account, with a token of the test's own (the page keeps its own session). */
  async function apiAs(did: string) {
    const { token } = await (await rig.services.oauth.signer()).sign(did);
    return async <T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
      const response = await fetch(`${rig.services.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    };
  }

  /** A marker in the page's memory: still there later means the page was not reloaded meanwhile. */
  const markPage = (page: Page) => page.evaluate('window.__notReloaded = true');
  const notReloaded = (page: Page) => page.evaluate<boolean>('window.__notReloaded === true');

  it('finds a scheduled post on the calendar, watches it turn to published without a reload, and opens its attempts', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/calendar');
    const call = await apiAs(account.did);
    const soon = await call<ApiPost>('/posts', {
      method: 'POST',
      body: {
        items: [{ text: 'Calendar test #chronopost: going out in 40 seconds, see https://example.com/about' }],
        scheduledAt: new Date(Date.now() + 40_000).toISOString(),
      },
    });
    expect(soon.status).toBe(201);

    const chip = page.locator(`.calendar-event-chip[data-post-id="${soon.body.id}"]`);
    await chip.first().waitFor({ timeout: 30_000 });
    // Due before the dispatcher's next tick, the API has queued it already.
    expect(await chip.first().getAttribute('data-status')).toMatch(/^(scheduled|queued)$/);
    await rig.screenshot(page, 'calendar-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    await markPage(page);
    const polls: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'GET' && new URL(response.url()).pathname === '/posts') polls.push(response.status());
    });

    await expect.poll(() => chip.first().getAttribute('data-status'), { timeout: 120_000 }).toBe('published');
    expect(await notReloaded(page)).toBe(true);
    // Polled with If-None-Match across origins: unchanged pages come back as 304, the change as 200.
    expect(polls).toContain(304);
    expect(polls).toContain(200);

    // Keyboard: the event is focusable and Enter opens the post.
    await chip.first().locator('xpath=ancestor::*[@tabindex or self::a][1]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${rig.web.url}/posts/${soon.body.id}`);
    await expect.poll(() => page.getByTestId('post-status').getAttribute('data-status')).toBe('published');
    const attempts = page.getByTestId('attempt');
    await expect.poll(() => attempts.count()).toBe(1);
    expect(await attempts.first().textContent()).toContain(sen.post.outcomes.published);
    const published = await call<ApiPost>(`/posts/${soon.body.id}`);
    const [, did, rkey] = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/(.+)$/.exec(published.body.items[0]!.uri!)!;
    expect(await page.getByTestId('bsky-link').getAttribute('href')).toBe(`https://bsky.app/profile/${did}/post/${rkey}`);
    // The text with its links and hashtags drawn as Bluesky draws them, from the facets the API stored.
    expect(await page.locator('.thread-item-text .bsky-facet').allTextContents()).toEqual(['#chronopost', 'https://example.com/about']);
    await rig.screenshot(page, 'post-published-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 240_000);

  /** `YYYY-MM-DD` of the day `days` after today, in Paris (the browser contexts' zone). */
  const parisDay = (days: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(Date.now() + days * 86_400_000),
    );

  /** Drags an event to the same time on the day column `date` of the week view, in small mouse steps. */
  async function dragToDay(page: Page, event: ReturnType<Page['locator']>, date: string, midway?: () => Promise<void>) {
    const from = (await event.boundingBox())!;
    // Of the elements for that day (header, all-day cell, time lane), the lane is the tallest.
    const boxes = await page.locator(`[data-date="${date}"]`).evaluateAll((elements) =>
      elements.map((element) => {
        const rect = element.getBoundingClientRect();
        return { x: rect.x, width: rect.width, height: rect.height };
      }),
    );
    const lane = boxes.sort((a, b) => b.height - a.height)[0]!;
    const start = { x: from.x + from.width / 2, y: from.y + Math.min(8, from.height / 2) };
    const end = { x: lane.x + lane.width / 2, y: start.y };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) {
      await page.mouse.move(start.x + ((end.x - start.x) * step) / 10, start.y, { steps: 2 });
      if (step === 5 && midway) await midway();
    }
    await page.mouse.up();
  }

  it('reschedules a post by dragging it in the week view (the API has the new time) and explains a conflict', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/calendar');
    const call = await apiAs(account.did);
    const tomorrow = parisDay(1);
    const created = await call<ApiPost>('/posts', {
      method: 'POST',
      body: { items: [{ text: 'Drag me to another day' }], scheduledAt: `${tomorrow}T10:00:00[Europe/Paris]` },
    });
    expect(created.status).toBe(201);
    await page.reload();
    const chip = page.locator(`.calendar-event-chip[data-post-id="${created.body.id}"]`);
    // Tomorrow may be in next week's view.
    for (let tries = 0; (await chip.count()) === 0 && tries < 20; tries++) await page.waitForTimeout(250);
    if ((await chip.count()) === 0) await page.getByRole('button', { name: sen.calendar.next }).click();
    await chip.waitFor();
    const event = chip.locator('xpath=ancestor::*[@role="button"][1]');

    const dayAfter = parisDay(2);
    // The week may end tomorrow: then the day after is on the next page of the calendar, and the test drags within tomorrow's week only.
    if ((await page.locator(`[data-date="${dayAfter}"]`).count()) === 0) {
      expect.soft(true, 'tomorrow is the last day of the week: dragging back a day instead').toBe(true);
    }
    const target = (await page.locator(`[data-date="${dayAfter}"]`).count()) > 0 ? dayAfter : parisDay(0);
    await dragToDay(page, event, target);
    const expected = new Date(Date.parse(created.body.scheduledAt!) + (target === dayAfter ? 1 : -1) * 86_400_000).toISOString();
    await expect.poll(async () => (await call<ApiPost>(`/posts/${created.body.id}`)).body.scheduledAt).toBe(expected);
    const moved = await call<ApiPost>(`/posts/${created.body.id}`);
    expect(moved.body.timeZone).toBe('Europe/Paris');
    expect(moved.body.version).toBeGreaterThan(created.body.version);
    await expect.poll(() => page.locator('.toast').textContent()).toContain(sen.calendar.moved('').trim().slice(0, 14));

    // Meanwhile, another tab edits it: the calendar's copy is stale, the move is refused and said so.
    const back = target === dayAfter ? tomorrow : parisDay(1);
    let current = 0;
    await dragToDay(page, event, back, async () => {
      const edited = await call<ApiPost>(`/posts/${created.body.id}`, {
        method: 'PATCH',
        headers: { 'if-match': `"${moved.body.version}"` },
        body: { items: [{ text: 'Edited in another tab' }] },
      });
      expect(edited.status).toBe(200);
      current = edited.body.version;
    });
    // The calendar has already reloaded the post: the message says so, not "reload it".
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(sen.calendar.conflict);
    await expect.poll(() => chip.first().textContent()).toContain('Edited in another tab');
    expect(current).toBeGreaterThan(moved.body.version);
    expect((await call<ApiPost>(`/posts/${created.body.id}`)).body.scheduledAt).toBe(expected);
    await rig.screenshot(page, 'calendar-conflict-en-US-light-desktop');
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('lists posts by status, a page at a time', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/posts');
    const call = await apiAs(account.did);
    const base = Date.now() + 2 * 86_400_000;
    for (let index = 0; index < 27; index++) {
      const created = await call<ApiPost>('/posts', {
        method: 'POST',
        body: { items: [{ text: `Upcoming ${index + 1}` }], scheduledAt: new Date(base + index * 3_600_000).toISOString() },
      });
      expect(created.status).toBe(201);
    }
    await call('/posts', { method: 'POST', body: { items: [{ text: 'Only a draft' }] } });
    await page.reload();
    const rows = page.locator('.post-row');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await rows.first().textContent()).toContain('Upcoming 1');
    await page.getByRole('button', { name: sen.posts.more }).click();
    await expect.poll(() => rows.count()).toBe(27);
    expect(await rows.last().textContent()).toContain('Upcoming 27');
    await page.getByRole('link', { name: sen.posts.filters.drafts }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Only a draft');
    expect(await rows.first().textContent()).toContain(sen.status.draft);
    await rig.screenshot(page, 'posts-drafts-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows notifications with a badge in the navigation, and keeps read and dismissed through the API', async () => {
    const account = await rig.account();
    const page = await rig.open({ locale: 'ja-JP' });
    await rig.signIn(page, account, '/posts');
    const call = await apiAs(account.did);
    const draft = await call<ApiPost>('/posts', { method: 'POST', body: { items: [{ text: '失敗した投稿' }] } });
    // Notifications are written by the publisher, dispatcher and token refresher; here by the same repository call.
    const failed = { postId: draft.body.id, excerpt: '失敗した投稿' };
    const endsSoon = { endsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() };
    await notify(rig.database.db, { ownerDid: account.did, kind: 'post_failed', details: failed, dedupeKey: 'test-failed' });
    await notify(rig.database.db, { ownerDid: account.did, kind: 'session_ends_soon', details: endsSoon, dedupeKey: 'test-ends' });
    // The badge asks every minute; a reload asks at once.
    await page.reload();
    const nav = page.locator('.primary-nav a[href="/notifications"]');
    await expect.poll(() => nav.textContent()).toContain(ja.nav.unread(2));
    await nav.click();
    const items = page.getByTestId('notification');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toContain(renderMessage({ code: 'session_ends_soon', params: endsSoon }, 'ja'));
    expect(await items.nth(1).textContent()).toContain(renderMessage({ code: 'post_failed', params: failed }, 'ja'));
    await rig.screenshot(page, 'notifications-ja-JP-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);

    await items.nth(1).getByRole('button', { name: sja.notifications.markRead }).click();
    await expect.poll(() => nav.textContent()).toContain(ja.nav.unread(1));
    await items.nth(0).getByRole('button', { name: sja.notifications.dismiss }).click();
    await expect.poll(() => items.count()).toBe(1);
    await expect.poll(() => nav.textContent()).not.toContain(ja.nav.unread(1));

    const kept = await call<{
      notifications: Array<{ code: string; readAt: string | null; dismissedAt: string | null }>;
      unreadCount: number;
    }>('/notifications?dismissed=true');
    expect(kept.body.unreadCount).toBe(0);
    expect(kept.body.notifications.find((item) => item.code === 'post_failed')).toMatchObject({
      readAt: expect.any(String),
      dismissedAt: null,
    });
    expect(kept.body.notifications.find((item) => item.code === 'session_ends_soon')?.dismissedAt).toEqual(expect.any(String));
    await page.reload();
    await expect.poll(() => items.count()).toBe(1);
    await items.first().getByRole('link', { name: sja.notifications.openPost }).click();
    await page.waitForURL(`${rig.web.url}/posts/${draft.body.id}`);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('keeps the settings with the account, refuses a bad one beside its field, and uses them for new posts and to show times', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/settings');
    const call = await apiAs(account.did);
    await page.locator('#settings-zone').selectOption('Asia/Tokyo');
    await page.getByRole('combobox', { name: en.languages.add }).selectOption('ja');
    await page.getByRole('radio', { name: en.replies.limited }).check();
    await page.getByRole('checkbox', { name: en.replies.mentioned }).uncheck();
    await page.getByRole('checkbox', { name: en.replies.following }).uncheck();
    await page.getByRole('checkbox', { name: en.replies.followers }).check();
    await page.getByRole('checkbox', { name: en.replies.quotes }).uncheck();
    await page.getByRole('radio', { name: en.late.publish }).check();
    await page.getByRole('button', { name: sen.settings.save }).click();
    await expect.poll(() => page.getByTestId('settings-saved').textContent()).not.toBe(sen.settings.neverSaved);
    const saved = await call<{ settings: unknown }>('/settings');
    expect(saved.body.settings).toMatchObject({
      timeZone: 'Asia/Tokyo',
      languages: ['en', 'ja'],
      replyControl: { mode: 'limited', allow: ['followers'] },
      quoteControl: { allowQuotes: false },
      latePolicy: { mode: 'publish' },
    });
    await rig.screenshot(page, 'settings-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);

    // A list address that is none: refused beside its field, nothing sent.
    await page.locator('#reply-list').fill('not-a-list');
    await page.getByRole('button', { name: sen.settings.save }).click();
    await expect.poll(() => page.locator('#replyControl-error').textContent()).toBe(renderMessage({ code: 'invalid_list_uri' }, 'en'));
    expect((await call<{ settings: { replyControl: unknown } }>('/settings')).body.settings.replyControl).toEqual({
      mode: 'limited',
      allow: ['followers'],
    });

    // A new post starts from them.
    await page.goto(`${rig.web.url}/compose`);
    await expect.poll(() => page.locator('#schedule-zone').inputValue()).toBe('Asia/Tokyo');
    expect(await page.getByRole('radio', { name: en.replies.limited }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: en.replies.followers }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: en.replies.following }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: en.replies.quotes }).isChecked()).toBe(false);
    expect(await page.getByRole('radio', { name: en.late.publish }).isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: en.languages.remove('Japanese') }).count()).toBe(1);

    // Times on the calendar and a post's page are in Tokyo's time now.
    const created = await call<ApiPost>('/posts', {
      method: 'POST',
      body: { items: [{ text: 'Shown in Tokyo time' }], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    await page.goto(`${rig.web.url}/calendar`);
    await expect.poll(() => page.locator('.calendar-zone').textContent()).toContain(sen.calendar.zone('Asia/Tokyo'));
    await page.goto(`${rig.web.url}/posts/${created.body.id}`);
    const tokyo = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(
      new Date(created.body.scheduledAt!),
    );
    await expect.poll(() => page.getByTestId('post-time').textContent()).toBe(tokyo);

    // Duplicate: the composer, prefilled with its text, as a new post.
    await page.getByRole('link', { name: sen.post.duplicate }).click();
    await page.waitForURL(`${rig.web.url}/compose?duplicate=${created.body.id}`);
    await expect.poll(() => page.locator('[data-testid=item-text]').first().inputValue()).toBe('Shown in Tokyo time');
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows every screen in English and Japanese, light and dark, desktop and phone, without serious accessibility violations', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/posts');
    const call = await apiAs(account.did);
    const thread = await call<ApiPost>('/posts', {
      method: 'POST',
      body: {
        items: [
          { text: '明日の朝9時に公開するスレッド 🌅 @alice.test https://example.com #chronopost' },
          { text: 'Second post of the thread' },
        ],
        scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    await call('/posts', { method: 'POST', body: { items: [{ text: 'A draft waiting for its time' }] } });
    await notify(rig.database.db, {
      ownerDid: account.did,
      kind: 'post_missed',
      details: { postId: thread.body.id, excerpt: '明日の朝' },
      dedupeKey: 'sweep',
    });
    const screens = {
      calendar: '/calendar',
      posts: '/posts',
      post: `/posts/${thread.body.id}`,
      notifications: '/notifications',
      settings: '/settings',
    };
    for (const locale of ['en', 'ja'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate(`localStorage.setItem('chronopost.locale', '${locale}'); localStorage.setItem('chronopost.theme', '${theme}')`);
        for (const viewport of ['desktop', 'phone'] as const) {
          await page.setViewportSize(viewport === 'desktop' ? { width: 1280, height: 860 } : { width: 390, height: 844 });
          for (const [name, path] of Object.entries(screens)) {
            await page.goto(`${rig.web.url}${path}`);
            await page.locator('h1').waitFor();
            await expect.poll(() => page.locator('.loading').count()).toBe(0);
            if (name === 'calendar')
              await page.locator('.calendar-event-chip, .fc-list-empty, [data-testid=calendar] table').first().waitFor();
            expect(await page.locator('html').getAttribute('lang')).toBe(locale);
            await rig.screenshot(page, `${name}-${locale}-${theme}-${viewport}`);
            expect(await rig.accessibility(page), `${name} ${locale} ${theme} ${viewport}`).toEqual([]);
          }
        }
      }
    }
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 400_000);
});
