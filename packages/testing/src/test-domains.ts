/**
 * Confidential OAuth clients must have an https client_id on a public domain, even against a dev
 * PDS: the provider refuses the .test/.example/.local TLDs, and its fetcher refuses example.com,
 * .org and .net. Tests therefore name their client `https://port-<N>.test-clients.chronopost.app/…`,
 * and the test processes route those URLs to `http://127.0.0.1:<N>/…` by wrapping
 * `globalThis.fetch` (in the PDS's process, before the PDS is created). Nothing else is rerouted,
 * and nothing on this domain ever leaves the machine.
 */
export const TEST_DOMAIN_SUFFIX = '.test-clients.chronopost.app';

export const testDomainUrl = (port: number) => `https://port-${port}${TEST_DOMAIN_SUFFIX}`;

/** Maps a test-domain URL to its local server, or returns undefined for any other URL. */
export function localUrlFor(url: URL): URL | undefined {
  const match = /^port-(\d+)\.test-clients\.chronopost\.app$/.exec(url.hostname);
  if (url.protocol !== 'https:' || !match) return undefined;
  return new URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${match[1]}`);
}

export function routeTestDomains(): void {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    // Read the URL without touching the body: any other request must go out untouched.
    const local = localUrlFor(new URL(input instanceof Request ? input.url : input));
    if (!local) return original(input, init);
    return original(new Request(local, new Request(input, init)));
  };
}
