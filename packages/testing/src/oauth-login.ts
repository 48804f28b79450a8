import { accessTokenResponseSchema, loginResponseSchema } from '@chronopost/shared-schemas';
import { type PdsAccount } from '@chronopost/local';
import { completeOAuthConsent } from './oauth-consent';
import { localUrlFor } from './test-domains';

/** A browser's cookie jar, enough for the login flows. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('=').trim());
    }
  }

  async fetch(url: string, init: RequestInit = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(init.method === 'POST' ? { origin: this.origin } : {}), ...init.headers },
    });
    this.remember(response);
    return response;
  }
}

/** Where the login runs: the gateway's URL and the services' environment (for the web origin). */
export type Gateway = { url: string; env: Record<string, string | undefined> };

/**
 * Start → headless consent at the PDS → callback, as a browser would. Callback URLs on the test
 * domain (confidential clients) are followed to the local gateway that serves them. (No vitest
 * here: benchmarks log users in the same way.)
 */
export async function login(
  services: Gateway,
  account: Pick<PdsAccount, 'handle' | 'password'>,
  returnTo = '/dashboard',
  /** What is typed into Chronopost's login (the handle unless given; a DID needs no handle resolution). */
  identifier = account.handle,
) {
  const browser = new Browser(new URL(services.env.WEB_ORIGIN ?? services.env.PUBLIC_URL!).origin);
  const started = await browser.fetch(`${services.url}/oauth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, returnTo }),
  });
  if (started.status !== 200) throw new Error(`login start answered ${started.status}: ${await started.text()}`);
  const { authorizationUrl } = loginResponseSchema.parse(await started.json());
  const callback = await completeOAuthConsent(authorizationUrl, { identifier: account.handle, password: account.password });
  const finished = await browser.fetch((localUrlFor(callback) ?? callback).href);
  return { browser, callback, finished };
}

export async function accessToken(services: Gateway, browser: Browser) {
  const response = await browser.fetch(`${services.url}/auth/refresh`, { method: 'POST' });
  if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${await response.text()}`);
  return accessTokenResponseSchema.parse(await response.json());
}
