import { renderMessage, wallClockTime } from '@chronopost/shared-schemas';
import { hasChromium, useWebApp } from '@chronopost/testing';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screensEn as sen } from '../src/i18n/screens-en';
import { ZONE } from './times';

interface ApiPost {
  id: string;
  version: number;
  scheduledAt: string | null;
  timeZone: string | null;
}

/** This API wants posts an hour ahead (the browser only knows the default 30 s): it decides, and says why. */
const MIN_LEAD_SECONDS = 3600;
const QUARTER = 15 * 60_000;

/** Drags an event in the time grid so that it starts at `date` `time` (in the calendar's zone), in small mouse steps. */
async function dragTo(page: Page, event: Locator, date: string, time: string) {
  // The slot's row (the widest element for that time) and the day's lane (the tallest for that date).
  const slot = page.locator(`[data-time="${time}"]`);
  await slot.last().scrollIntoViewIfNeeded();
  const widest = async (locator: Locator, by: 'width' | 'height') =>
    (
      await locator.evaluateAll((elements) =>
        elements.map((element) => {
          const { x, y, width, height } = element.getBoundingClientRect();
          return { x, y, width, height };
        }),
      )
    ).sort((a, b) => b[by] - a[by])[0]!;
  const row = await widest(slot, 'width');
  const lane = await widest(page.locator(`[data-date="${date}"]`), 'height');
  const from = (await event.boundingBox())!;
  // Grab the event near its top, and put that point just inside the target slot's top.
  const grab = Math.min(6, from.height / 2);
  const start = { x: from.x + from.width / 2, y: from.y + grab };
  const end = { x: lane.x + lane.width / 2, y: row.y + grab };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let step = 1; step <= 12; step++) {
    await page.mouse.move(start.x + ((end.x - start.x) * step) / 12, start.y + ((end.y - start.y) * step) / 12, { steps: 2 });
  }
  await page.mouse.up();
}

/** A wall time's date and time of day (`HH:MM:00`, as the time grid labels its slots). */
const wall = (epochMs: number) => {
  const [date, time] = wallClockTime(epochMs, ZONE).split('T') as [string, string];
  return { date, time: `${time.slice(0, 5)}:00` };
};

describe.skipIf(!hasChromium())('dragging posts in the week view (Chromium, the local stack)', () => {
  const rig = useWebApp({ suite: 'calendar-drag', env: { SCHEDULE_MIN_LEAD_SECONDS: String(MIN_LEAD_SECONDS) } });

  async function apiAs(did: string) {
    const { token } = await (await rig.services.oauth.signer()).sign(did);
    return async <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
      const response = await fetch(`${rig.services.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
  }

  /** A post at `at` (a quarter hour), on the week view, with its event element. */
  async function postOnWeek(page: Page, call: Awaited<ReturnType<typeof apiAs>>, at: number, text: string) {
    const created = await call<ApiPost>('/posts', { method: 'POST', body: { items: [{ text }], scheduledAt: new Date(at).toISOString() } });
    expect(created.status).toBe(201);
    await page.goto(`${rig.web.url}/calendar`);
    const chip = page.locator(`.calendar-event-chip[data-post-id="${created.body.id}"]`);
    // A post early next week is on the next page of the calendar.
    for (let tries = 0; (await chip.count()) === 0 && tries < 20; tries++) await page.waitForTimeout(250);
    if ((await chip.count()) === 0) await page.getByRole('button', { name: sen.calendar.next }).click();
    await chip.waitFor();
    return { post: created.body, chip, event: chip.locator('xpath=ancestor::*[@role="button"][1]') };
  }

  it('moves a post to another time of day (the API has the new wall time in the zone)', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/calendar');
    const call = await apiAs(account.did);
    // Three hours ahead, on a quarter hour; moved 90 minutes later the same way a user would.
    const at = Math.ceil((Date.now() + 3 * 3_600_000) / QUARTER) * QUARTER;
    const { post, chip, event } = await postOnWeek(
      page,
      call,
      at,
      'Move me to later in the day: a longer text, to see more of it on the week view',
    );
    // The chip shows the text beyond its first characters (it wraps under the time in a narrow column).
    expect(await chip.locator('.calendar-event-text').evaluate((element) => element.clientWidth > 40)).toBe(true);
    const target = wall(at + 90 * 60_000);
    await dragTo(page, event, target.date, target.time);
    const expected = new Date(at + 90 * 60_000).toISOString();
    await expect.poll(async () => (await call<ApiPost>(`/posts/${post.id}`)).body.scheduledAt).toBe(expected);
    const moved = await call<ApiPost>(`/posts/${post.id}`);
    expect(moved.body.timeZone).toBe(ZONE);
    expect(moved.body.version).toBeGreaterThan(post.version);
    await expect.poll(() => page.locator('.toast').textContent()).toContain(sen.calendar.moved('').trim().slice(0, 14));
    await rig.screenshot(page, 'calendar-week-moved-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('snaps a post back when it is dropped closer than the minimum lead, and says why', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/calendar');
    const call = await apiAs(account.did);
    const at = Math.ceil((Date.now() + 2 * 3_600_000) / QUARTER) * QUARTER;
    const { post, chip, event } = await postOnWeek(page, call, at, 'Not that soon');
    // The first quarter hour at least 15 minutes from now: in the future, but under this API's hour of lead.
    const soon = Math.ceil((Date.now() + QUARTER) / QUARTER) * QUARTER;
    const target = wall(soon);
    const shownAt = await chip.locator('.calendar-event-time').textContent();
    await dragTo(page, event, target.date, target.time);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe(sen.calendar.notMoved(renderMessage({ code: 'too_soon', params: { minLeadSeconds: MIN_LEAD_SECONDS } }, 'en')));
    // Back where it was, on the calendar and in the API.
    expect(await chip.locator('.calendar-event-time').textContent()).toBe(shownAt);
    const unchanged = await call<ApiPost>(`/posts/${post.id}`);
    expect(unchanged.body.scheduledAt).toBe(new Date(at).toISOString());
    expect(unchanged.body.version).toBe(post.version);
    await rig.screenshot(page, 'calendar-week-too-soon-en-US-light-desktop');
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
