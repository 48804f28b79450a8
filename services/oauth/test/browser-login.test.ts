import { accessTokenResponseSchema, loginResponseSchema, meResponseSchema } from '@chronopost/shared-schemas';
import {
  connectChromium,
  createPdsAccount,
  createTestDatabase,
  hasChromium,
  type HttpServices,
  type PdsAccount,
  startHttpServices,
  testEnvironment,
  type TestDatabase,
} from '@chronopost/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The other login tests complete the consent with `completeOAuthConsent`, which speaks to the PDS
 * OAuth provider's internal UI API. This test drives the provider's real sign-in and consent pages
 * in headless Chromium instead, so a change in that UI (or in how a real browser treats our login
 * and refresh cookies across the PDS → callback redirect) is noticed here.
 */
// Skipped when no Chromium is installed: `pnpm test` must pass on a machine with only Node and
// pnpm (see the README), and Playwright's browser downloads are never used. CI installs Debian's
// chromium (.ci/run), so there the test always runs; set CHROMIUM_PATH to use another binary.
describe.skipIf(!hasChromium())('login in a real browser (headless Chromium, the local PDS consent pages)', () => {
  let database: TestDatabase | undefined;
  let services: HttpServices | undefined;
  let browser: Browser | undefined;
  let account: PdsAccount;

  beforeAll(async () => {
    database = await createTestDatabase();
    services = await startHttpServices({ database });
    account = await createPdsAccount(testEnvironment().pdsUrl);
    browser = await connectChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await services?.close();
    await database?.drop();
  });

  it('signs in and consents on the PDS pages, lands on the dashboard with a refresh cookie that serves /me', async () => {
    const base = new URL(services!.url);
    const context = await browser!.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const callbacks: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/oauth/callback') callbacks.push(response.status());
    });

    const started = performance.now();
    await step(page, 'start the login from our origin', async () => {
      // From a page on our origin, as the web app will: the browser itself stores the login cookie.
      await page.goto(`${base.origin}/health`);
      const login = await page.evaluate(async (identifier) => {
        const response = await fetch('/oauth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier, returnTo: '/dashboard' }),
        });
        return { status: response.status, body: await response.text() };
      }, account.handle);
      expect(login.status, login.body).toBe(200);
      const { authorizationUrl } = loginResponseSchema.parse(JSON.parse(login.body));
      const cookies = await context.cookies(`${base.origin}/oauth/callback`);
      expect(cookies.find((cookie) => cookie.name === 'chronopost_login')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      await page.goto(authorizationUrl);
    });

    await step(page, 'sign in on the PDS', async () => {
      // With a login hint (our PAR request sends the handle) the provider shows the handle in a
      // read-only field; without one the user types it.
      const identifier = page.getByRole('textbox', { name: /username|handle|identifier/i });
      await identifier.waitFor();
      if (await identifier.isEditable()) await identifier.fill(account.handle);
      else expect(await identifier.inputValue()).toBe(account.handle);
      await page.getByRole('textbox', { name: /password/i }).fill(account.password);
      await page.getByRole('button', { name: /^sign in$/i }).click();
    });

    await step(page, 'accept the consent screen', async () => {
      // The consent screen names the account being granted (its "@" is drawn by CSS, not text).
      await page.getByText(account.handle, { exact: true }).waitFor();
      await page.getByRole('button', { name: /^authorize$/i }).click();
    });

    await step(page, 'come back through our callback to the dashboard', async () => {
      // Back on our origin at the return path; a failed login lands there too, with login_error.
      await page.waitForURL((url) => url.origin === base.origin && url.pathname === '/dashboard');
      expect(page.url()).toBe(`${base.origin}/dashboard?login=ok`);
    });
    const loginMs = performance.now() - started;
    expect(callbacks).toEqual([303]);

    // The callback swapped the one-time login cookie for the refresh cookie, as the browser holds it.
    const cookies = await context.cookies();
    expect(cookies.some((cookie) => cookie.name === 'chronopost_login')).toBe(false);
    const refresh = cookies.find((cookie) => cookie.name === 'chronopost_refresh');
    expect(refresh).toMatchObject({ domain: base.hostname, path: '/auth', httpOnly: true, sameSite: 'Strict' });

    const refreshed = await fetch(`${base.origin}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `chronopost_refresh=${refresh!.value}`, origin: base.origin },
    });
    expect(refreshed.status).toBe(200);
    const { accessToken, did } = accessTokenResponseSchema.parse(await refreshed.json());
    expect(did).toBe(account.did);

    const me = await fetch(`${base.origin}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(meResponseSchema.parse(await me.json())).toMatchObject({
      account: { did: account.did, handle: account.handle },
      session: { state: 'active' },
    });
    await context.close();
    console.log(`browser login (start → dashboard) on the local PDS pages: ${loginMs.toFixed(0)} ms`);
  }, 60_000);
});

/** Runs one step of the flow; when it fails, says which step and what the page showed then. */
async function step(page: Page, name: string, run: () => Promise<void>) {
  try {
    await run();
  } catch (error) {
    const shown = await page
      .locator('body')
      .ariaSnapshot({ timeout: 2_000 })
      .catch(() => '(page not readable)');
    throw new Error(`browser login, step "${name}" failed at ${page.url()}\n${String(error)}\npage:\n${shown}`, { cause: error });
  }
}
