import { wallClockTime } from '@chronopost/shared-schemas';
import type { Page } from 'playwright-core';

/** The zone the browser tests' pages run in (`useWebApp`'s default). */
export const ZONE = 'Europe/Paris';

/** A wall time in a zone, as the composer's date and time inputs take it. */
export function wallTime(epochMs: number, zone = ZONE) {
  const [date, time] = wallClockTime(epochMs, zone).split('T') as [string, string];
  return { date, time };
}

/** Fills the composer's zone, date and time. */
export async function setTime(page: Page, date: string, time: string, zone = ZONE) {
  await page.locator('#schedule-zone').selectOption(zone);
  await page.locator('#schedule-date').fill(date);
  await page.locator('#schedule-time').fill(time);
}
