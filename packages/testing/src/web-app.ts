/**
 * The web app in real Chromium against the real local stack: for one test file, its own database,
 * the oauth and api services behind the local gateway, a publish queue whose messages a running
 * publisher takes (as `pnpm dev` does), a media bucket whose uploads the media Lambda checks and
 * processes (as `pnpm dev` does), and the built web app served on its own origin (as Pages does),
 * with the run's one Chromium. Pages open in their own browser contexts.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectMetrics, createLogger, createMetrics } from '@chronopost/lambda-kit';
import {
  createPdsAccount,
  createPublishQueues,
  type EventSource,
  freePort,
  type LocalS3,
  type PdsAccount,
  startLocalS3,
  startMediaTrigger,
  startSqsEventSource,
  startWebServer,
  type WebServer,
} from '@chronopost/local';
import * as media from '@chronopost/service-media';
import * as publisher from '@chronopost/service-publisher';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { testSqsClient } from './aws';
import { createTestDatabase, type TestDatabase } from './database';
import { testEnvironment } from './environment';
import { type HttpServices, startHttpServices } from './http-services';
import { uniqueName } from './names';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Screenshots of every screen a run visits (git-ignored). */
export const SCREENSHOTS = join(REPOSITORY, 'test-results', 'screens');

/** Whether this run has a browser (for `describe.skipIf`): the global setup starts one when Chromium is installed. */
export const hasChromium = (): boolean => testEnvironment().chromiumEndpoint !== undefined;

/** Connects to the run's one Chromium; closing the result only disconnects. */
export async function connectChromium(): Promise<Browser> {
  const endpoint = testEnvironment().chromiumEndpoint;
  if (!endpoint) throw new Error('no Chromium in this run: install it (apt-get install chromium) or set CHROMIUM_PATH');
  const { chromium } = await import('playwright-core');
  return chromium.connect(endpoint, { timeout: 30_000 });
}

export type Viewport = 'desktop' | 'phone';
export interface PageOptions {
  locale?: 'en-US' | 'ja-JP';
  colorScheme?: 'light' | 'dark';
  viewport?: Viewport;
  timezoneId?: string;
}

const VIEWPORTS: Record<Viewport, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 860 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export interface WebAppRig {
  database: TestDatabase;
  services: HttpServices;
  web: WebServer;
  browser: Browser;
  /** A page in a new browser context (its own cookies); errors it logs are collected in `errors`. */
  open(options?: PageOptions): Promise<Page & { errors: string[] }>;
  /** Saves a full-page screenshot under test-results/screens/<suite>/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  /** axe-core's serious and critical violations on the page as it is now. */
  accessibility(page: Page): Promise<AxeViolation[]>;
  /** A new account on the run's PDS. */
  account(): Promise<PdsAccount>;
  /**
   * Signs in from the web app's sign-in screen (at `from`, a path that asks a signed-out user to sign
   * in) through the PDS's own sign-in and consent pages, back to the web app.
   */
  signIn(page: Page, account: Pick<PdsAccount, 'handle' | 'password'>, from?: string): Promise<void>;
}

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

export function useWebApp(options: { suite: string; env?: Record<string, string> }): WebAppRig {
  const rig = {} as WebAppRig;
  // A screen may take seconds to reach a state on a busy machine: expect.poll waits up to 20 s (not 1).
  vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 100 } } });
  let publisherSource: EventSource | undefined;
  let s3: LocalS3 | undefined;
  let s3Directory: string | undefined;
  let mediaTrigger: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    const environment = testEnvironment();
    rig.browser = await connectChromium();
    rig.database = await createTestDatabase();
    const sqs = testSqsClient();
    const name = uniqueName('web-publish');
    const queues = await createPublishQueues(sqs, {
      name,
      deadLetterName: `${name}-dlq`,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 90,
    });
    // The web app's origin is its own, as on Pages; the API allows it (CORS, cookie requests).
    const webPort = await freePort();
    // This file's own S3 stand-in, the one `pnpm dev` runs: its object events reach the media
    // Lambda below (the run's shared stand-in lives in the global setup's process).
    const bucket = uniqueName('media').replaceAll('_', '-');
    s3Directory = await mkdtemp(join(tmpdir(), 'web-s3-'));
    s3 = await startLocalS3({
      host: '127.0.0.1',
      port: 0,
      directory: s3Directory,
      buckets: [bucket],
      webOrigin: `http://127.0.0.1:${webPort}`,
    });
    rig.services = await startHttpServices({
      database: rig.database,
      env: {
        WEB_ORIGIN: `http://127.0.0.1:${webPort}`,
        PUBLISH_QUEUE_URL: queues.queueUrl,
        MEDIA_BUCKET: bucket,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        // Production's 30 s would make every test that watches a post go out wait 40 s or more for
        // its second; the lead itself is tested in core and, in the browser, by calendar-drag (its own).
        SCHEDULE_MIN_LEAD_SECONDS: '5',
        ...options.env,
      },
    });
    rig.web = await startWebServer({
      host: '127.0.0.1',
      port: webPort,
      directory: environment.webBuild,
      apiUrl: rig.services.url,
      connect: [environment.pdsUrl, s3.endpoint],
    });
    // The publisher takes the queue's messages as Lambda's event source mapping would.
    const logger = createLogger('web-test', 'SILENT');
    // Its metrics stay in memory (the test output is not CloudWatch).
    const metrics = createMetrics({ service: 'publisher', namespace: 'Chronopost/test', write: collectMetrics().write });
    const publisherContext = publisher.createContext(publisher.loadConfig(rig.services.env), publisher.loadSecrets(rig.services.env), {
      db: rig.database.db,
      logger,
      metrics,
    });
    // Uploads are checked and processed as the bucket's notification makes Lambda do (uploads/ only).
    const mediaHandler = media.makeHandler(
      media.createContext(media.loadConfig(rig.services.env), media.loadSecrets(rig.services.env), { db: rig.database.db, logger }),
    );
    // The same trigger as `pnpm dev`'s; its failures are printed (the rig's own logger is silent).
    mediaTrigger = startMediaTrigger({ s3, handler: mediaHandler, timeoutMs: 60_000, logger: createLogger('media-trigger', 'ERROR') });
    publisherSource = startSqsEventSource({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      functionName: 'publisher',
      handler: publisher.makeHandler(publisherContext),
      batchSize: 10,
      pollers: 1,
      maxConcurrency: 10,
      timeoutMs: 60_000,
      logger,
    });

    Object.assign(rig, {
      open: async (pageOptions: PageOptions = {}) => {
        const context = await rig.browser.newContext({
          locale: pageOptions.locale ?? 'en-US',
          colorScheme: pageOptions.colorScheme ?? 'light',
          timezoneId: pageOptions.timezoneId ?? 'Europe/Paris',
          ...VIEWPORTS[pageOptions.viewport ?? 'desktop'],
        });
        const page = Object.assign(await context.newPage(), { errors: [] as string[] });
        // Generous: the machines running the suite are shared and sometimes slow.
        page.setDefaultTimeout(30_000);
        page.on('pageerror', (error) => page.errors.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          // An answer like 401 from /auth/refresh (no session yet) is a normal outcome the app handles,
          // which Chromium logs anyway; script errors and CSP violations are what must not happen.
          if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of'))
            page.errors.push(`console: ${message.text()}`);
        });
        return page;
      },
      screenshot: async (page: Page, screen: string) => {
        const dir = join(SCREENSHOTS, options.suite);
        await mkdir(dir, { recursive: true });
        const path = join(dir, `${screen}.png`);
        // The whole page as a window that tall would show it: a full-page capture of the usual window
        // draws sticky and fixed parts (navigation, action bar) where the scroll left them, mid-page.
        const viewport = page.viewportSize();
        const height = await page.evaluate<number>('document.documentElement.scrollHeight');
        if (viewport && height > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(height, 8000) });
        try {
          await page.screenshot({ path, animations: 'disabled' });
        } finally {
          if (viewport) await page.setViewportSize(viewport);
        }
        return path;
      },
      accessibility: async (page: Page) => {
        // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
        await page.evaluate(await (axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8')));
        type Found = Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
        const violations = await page.evaluate<Found>(
          "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
        );
        return violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            nodes: violation.nodes.map((node) => node.target.join(' ')),
          }));
      },
      account: () => createPdsAccount(environment.pdsUrl),
      signIn: async (page: Page, account: Pick<PdsAccount, 'handle' | 'password'>, from = '/sign-in') => {
        await page.goto(`${rig.web.url}${from}`);
        await page.locator('#identifier').fill(account.handle);
        await page.locator('form button[type=submit]').click();
        // Off to the PDS (wait, or the next locator could still find our own field).
        await page.waitForURL((url) => !url.href.startsWith(rig.web.url));
        // The PDS's own pages, in the browser's language (English or Japanese here): its sign-in
        // (the handle is prefilled from our login hint), then the consent screen.
        const identifier = page.getByRole('textbox', { name: /username|handle|identifier|ユーザー名/i });
        await identifier.waitFor();
        if (await identifier.isEditable()) await identifier.fill(account.handle);
        await page.getByRole('textbox', { name: /password|パスワード/i }).fill(account.password);
        await page.getByRole('button', { name: /^(sign in|サインイン)$/i }).click();
        await page.getByRole('button', { name: /^(authorize|承認)$/i }).click();
        await page.waitForURL((url) => url.href.startsWith(rig.web.url));
        await expect.poll(() => page.locator('.account-button').count()).toBe(1);
      },
    });
  }, 90_000);
  afterAll(async () => {
    await publisherSource?.stop();
    await mediaTrigger?.stop();
    await s3?.close();
    if (s3Directory) await rm(s3Directory, { recursive: true, force: true });
    await rig.web?.close();
    await rig.services?.close();
    await rig.database?.drop();
    await rig.browser?.close();
  });
  return rig;
}
