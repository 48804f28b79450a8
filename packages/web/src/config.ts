/**
 * Where the API is. index.html carries it in a meta tag: written at build time from
 * `CHRONOPOST_API_URL` (Pages), or rewritten by the server that serves the page (the local
 * runtime does, so one build works against any local API). Empty means this page's own origin.
 */
export function apiBaseUrl(doc: Document = document): string {
  const configured = doc.querySelector<HTMLMetaElement>('meta[name="chronopost-api-url"]')?.content.trim() ?? '';
  const usable = configured !== '' && !configured.startsWith('%');
  return (usable ? configured : doc.location.origin).replace(/\/+$/, '');
}
