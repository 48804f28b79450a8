import { hasChromium, useWebApp } from '@chronopost/testing';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { ja } from '../src/i18n/ja';

/** What the page's own refresh cookie gets from `POST /auth/refresh` (its origin, its cookies). */
async function refreshFromPage(page: Page): Promise<number> {
  // A string: it runs in the page, where the DOM is (this file is type-checked for Node).
  return page.evaluate(`(async () => {
    const api = document.querySelector('meta[name="chronopost-api-url"]').content;
    return (await fetch(api + '/auth/refresh', { method: 'POST', credentials: 'include' })).status;
  })()`);
}

describe.skipIf(!hasChromium())('signing in and out (the web app in Chromium, the local PDS’s own pages)', () => {
  // Short access tokens, so the test sees the app renew one before it expires.
  const rig = useWebApp({ suite: 'sign-in', env: { APP_ACCESS_TOKEN_TTL_SECONDS: '20' } });

  it('shows the sign-in screen in the browser’s language, light and dark, desktop and phone, without accessibility violations', async () => {
    for (const locale of ['en-US', 'ja-JP'] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const viewport of ['desktop', 'phone'] as const) {
          const page = await rig.open({ locale, colorScheme, viewport });
          await page.goto(`${rig.web.url}/compose`);
          await page.locator('#identifier').waitFor();
          expect(await page.locator('html').getAttribute('lang')).toBe(locale.slice(0, 2));
          await expect.poll(() => page.locator('h1').textContent()).toBe((locale === 'ja-JP' ? ja : en).signIn.title);
          await rig.screenshot(page, `sign-in-${locale}-${colorScheme}-${viewport}`);
          expect(await rig.accessibility(page)).toEqual([]);
          expect(page.errors).toEqual([]);
          await page.context().close();
        }
      }
    }
  }, 180_000);

  it('signs in through the PDS’s pages back to the screen asked for, stays signed in across a reload, renews the token before it expires', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await rig.signIn(page, account, '/settings');
    // Back where the user was going, the one-time marker gone from the address.
    expect(new URL(page.url()).pathname).toBe('/settings');
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('.account-button').textContent()).toContain(`@${account.handle}`);

    // A reload: the HttpOnly cookie brings a new access token (none is stored in the page).
    const storage = await page.evaluate<string>('JSON.stringify({ ...localStorage, ...sessionStorage })');
    expect(storage).not.toMatch(/eyJ/);
    await page.reload();
    await expect.poll(() => page.locator('.account-button').textContent()).toContain(`@${account.handle}`);

    // Tokens live 20 s here: the app renews before the end, without a reload.
    const renewal = await page.waitForRequest((request) => request.url().endsWith('/auth/refresh'), { timeout: 20_000 });
    expect((await renewal.response())?.status()).toBe(200);
    await page.locator('a[href="/posts"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(en.nav.posts);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('signs out after saying that the waiting posts will be held, and holds them', async () => {
    const account = await rig.account();
    const page = await rig.open({ locale: 'ja-JP' });
    await rig.signIn(page, account, '/compose');
    // Posts made with a token of their own: the page's refresh cookie is the app's alone (a refresh
    // racing the app's own would present a spent cookie and end the session).
    const { token } = await (await rig.services.oauth.signer()).sign(account.did);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    for (const text of ['one', 'two']) {
      const created = await fetch(`${rig.services.url}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ text }], scheduledAt: inAnHour }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
    }

    await page.locator('.account-button').click();
    await page.getByRole('button', { name: ja.nav.signOut }).click();
    const dialog = page.getByRole('dialog', { name: ja.signOut.title });
    await expect.poll(() => dialog.getByTestId('sign-out-waiting').textContent()).toBe(ja.signOut.waiting(2));
    await rig.screenshot(page, 'sign-out-ja-JP-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);
    await dialog.getByRole('button', { name: ja.signOut.confirm, exact: true }).click();

    await page.waitForURL(`${rig.web.url}/sign-in`);
    await expect.poll(() => page.getByRole('status').textContent()).toBe(ja.signOut.done);
    // The cookie is gone (a refresh is refused) and the posts are held.
    expect(await refreshFromPage(page)).toBe(401);
    const held = await rig.database.db.$client.query<{ status: string }>('SELECT status FROM posts WHERE owner_did = $1', [account.did]);
    expect(held.rows.map((row) => row.status)).toEqual(['blocked', 'blocked']);
    expect(page.errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('explains a sign-in the user declined on the PDS, and every other login_error, in words', async () => {
    const account = await rig.account();
    const page = await rig.open();
    await page.goto(`${rig.web.url}/compose`);
    await page.locator('#identifier').fill(account.handle);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL((url) => !url.href.startsWith(rig.web.url));
    await page.getByRole('textbox', { name: /password/i }).fill(account.password);
    await page.getByRole('button', { name: /^sign in$/i }).click();
    await page.getByRole('button', { name: /^deny access$/i }).click();
    await page.waitForURL((url) => url.href.startsWith(rig.web.url));
    expect(new URL(page.url()).searchParams.get('login_error')).toBe('access_denied');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain(en.loginErrors.access_denied);
    await rig.screenshot(page, 'login-error-access-denied-en-US-light-desktop');
    expect(await rig.accessibility(page)).toEqual([]);

    for (const code of ['invalid_request', 'expired', 'wrong_browser', 'server_error'] as const) {
      await page.goto(`${rig.web.url}/compose?login_error=${code}`);
      await expect.poll(() => page.getByTestId('login-error').textContent()).toContain(en.loginErrors[code]);
    }
    await page.goto(`${rig.web.url}/compose?login_error=something_new`);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain(en.loginErrors.unknown);
    await page.context().close();
  }, 90_000);

  it('says when no account has that handle, before leaving for any server', async () => {
    const page = await rig.open({ locale: 'ja-JP' });
    await page.goto(`${rig.web.url}/sign-in`);
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.locator('#identifier-error').textContent()).toBe(ja.signIn.emptyIdentifier);
    await page.locator('#identifier').fill('nobody-here.test');
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.locator('#identifier-error').textContent()).toBe(ja.signIn.notFound('nobody-here.test'));
    expect(await page.locator('#identifier').getAttribute('aria-invalid')).toBe('true');
    expect(new URL(page.url()).origin).toBe(rig.web.url);
    await page.context().close();
  }, 60_000);
});
