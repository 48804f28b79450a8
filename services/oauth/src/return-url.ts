/**
 * Where the browser may be sent after login: the web app's origin only. A relative path is taken
 * on that origin; anything else (another origin, `//evil.example`, `javascript:`) is refused, so the
 * login can never be used as an open redirect.
 */
export function resolveReturnUrl(returnTo: string | undefined, webOrigin: string): URL | undefined {
  if (returnTo === undefined || returnTo === '') return new URL('/', webOrigin);
  if (returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/\\')) {
    const url = new URL(returnTo, webOrigin);
    return url.origin === webOrigin ? url : undefined;
  }
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    return undefined;
  }
  return url.origin === webOrigin ? url : undefined;
}
