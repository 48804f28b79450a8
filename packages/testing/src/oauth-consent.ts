import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Completes an authorization on a PDS's OAuth provider without a browser, by speaking to the
 * provider's own UI API the way its sign-in page does: load the authorize page (device and CSRF
 * cookies), sign in, consent, then follow the provider's redirect to the client's callback.
 *
 * This talks to an internal API of `@atproto/oauth-provider` that changes between versions; it is
 * kept here, in one place, for the pinned version (see the package.json). One Chromium test
 * drives the real page so a change in the UI is noticed.
 *
 * node:http is used instead of fetch because fetch forces `sec-fetch-mode: cors`, which the
 * provider rejects; the provider checks the `sec-fetch-*`, origin and referer headers a browser sends.
 */
export async function completeOAuthConsent(
  authorizeUrl: string | URL,
  credentials: { identifier: string; password: string },
): Promise<URL> {
  const pageUrl = new URL(authorizeUrl);
  const origin = pageUrl.origin;
  const jar = new Map<string, string>();

  // 1. The authorize page, as a top-level navigation: sets the device and CSRF cookies.
  const page = await send(
    'GET',
    pageUrl,
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    jar,
  );
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${page.body.slice(0, 300)}`);

  const apiHeaders = () => ({
    'content-type': 'application/json',
    origin,
    referer: pageUrl.href,
    'sec-fetch-site': 'same-origin',
    'sec-fetch-mode': 'same-origin',
    'sec-fetch-dest': 'empty',
    'x-csrf-token': jar.get('csrf-token') ?? '',
  });
  const api = (endpoint: string) => new URL(`/@atproto/oauth-provider/~api${endpoint}`, origin);

  // 2. Sign in on this device.
  const signIn = await send(
    'POST',
    api('/sign-in'),
    apiHeaders(),
    jar,
    JSON.stringify({ locale: 'en', username: credentials.identifier, password: credentials.password, remember: true }),
  );
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${signIn.body.slice(0, 300)}`);
  const { account } = JSON.parse(signIn.body) as { account: { did: string } };

  // 3. Consent to the client's request.
  const consent = await send('POST', api('/consent'), apiHeaders(), jar, JSON.stringify({ did: account.did }));
  if (consent.status !== 200) throw new Error(`consent answered ${consent.status}: ${consent.body.slice(0, 300)}`);
  const { url } = JSON.parse(consent.body) as { url: string };

  // 4. The provider's redirect endpoint sends the browser to the client's redirect_uri.
  const redirect = await send(
    'GET',
    new URL(url),
    { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', referer: pageUrl.href },
    jar,
  );
  const location = redirect.headers.location;
  if (redirect.status < 300 || redirect.status >= 400 || !location) {
    throw new Error(`authorization redirect answered ${redirect.status}: ${redirect.body.slice(0, 300)}`);
  }
  return new URL(location, origin);
}

/** The provider's account API, signed in on its account page as the user would be. */
async function accountApi(pdsUrl: string, credentials: { identifier: string; password: string }) {
  const origin = new URL(pdsUrl).origin;
  const accountPage = new URL('/account', origin);
  const jar = new Map<string, string>();
  const page = await send(
    'GET',
    accountPage,
    { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    jar,
  );
  if (page.status !== 200) throw new Error(`account page answered ${page.status}`);
  const call = async (method: 'GET' | 'POST', endpoint: string, body?: unknown) => {
    const url = new URL(`/@atproto/oauth-provider/~api${endpoint}`, origin);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      origin,
      referer: accountPage.href,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'same-origin',
      'sec-fetch-dest': 'empty',
      'x-csrf-token': jar.get('csrf-token') ?? '',
    };
    const response = await send(method, url, headers, jar, body === undefined ? undefined : JSON.stringify(body));
    if (response.status !== 200) throw new Error(`${endpoint} answered ${response.status}: ${response.body.slice(0, 300)}`);
    return JSON.parse(response.body) as unknown;
  };
  const { account } = (await call('POST', '/sign-in', {
    locale: 'en',
    username: credentials.identifier,
    password: credentials.password,
    remember: true,
  })) as {
    account: { did: string };
  };
  return { did: account.did, call };
}

/** The active OAuth sessions (authorized apps) of an account, as its PDS lists them in the account settings. */
export async function listOAuthSessionsAtPds(pdsUrl: string, credentials: { identifier: string; password: string }) {
  const { did, call } = await accountApi(pdsUrl, credentials);
  const sessions = (await call('GET', `/oauth-sessions?did=${encodeURIComponent(did)}`)) as Array<{
    tokenId: string;
    active: boolean;
    clientId: string;
  }>;
  return sessions.filter((session) => session.active);
}

/** Revokes every OAuth session of an account at its PDS, the way a user does in their account settings. */
export async function revokeOAuthSessionsAtPds(pdsUrl: string, credentials: { identifier: string; password: string }): Promise<number> {
  const { did, call } = await accountApi(pdsUrl, credentials);
  const sessions = (await call('GET', `/oauth-sessions?did=${encodeURIComponent(did)}`)) as Array<{ tokenId: string; active: boolean }>;
  for (const { tokenId } of sessions) await call('POST', '/revoke-oauth-session', { did, tokenId });
  return sessions.length;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(method: string, url: URL, headers: Record<string, string>, jar: Map<string, string>, body?: string): Promise<Response> {
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          'user-agent': 'Mozilla/5.0 (chronopost-test)',
          accept: method === 'GET' ? 'text/html' : 'application/json',
          ...(cookie ? { cookie } : {}),
          ...(body ? { 'content-length': Buffer.byteLength(body).toString() } : {}),
          ...headers,
        },
      },
      (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const separator = pair!.indexOf('=');
          const name = pair!.slice(0, separator).trim();
          const value = pair!.slice(separator + 1).trim();
          if (/max-age=0/i.test(line) || value === '') jar.delete(name);
          else jar.set(name, value);
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
