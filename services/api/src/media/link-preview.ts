import { findLinkPreview, saveLinkPreview } from '@chronopost/db';
import { ValidationError } from '@chronopost/lambda-kit';
import { findSafeFetchError } from '@chronopost/safe-fetch';
import type { LinkPreview, MediaMessageCode } from '@chronopost/shared-schemas';
import { Parser } from 'htmlparser2';
import type { ApiContext } from '../context';
import { storeFetchedImage } from './upload';

/** A preview is reused for this long (per account and address): typing the link again costs nothing. */
export const LINK_PREVIEW_TTL_MS = 60 * 60_000;

const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;

/** What a page says about itself: Open Graph first, then Twitter Card tags, then plain HTML. */
export interface PageMeta {
  title: string;
  description: string;
  image: string | undefined;
}

const clean = (text: string | undefined, max: number) =>
  (text ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

/** Reads the head of an HTML page for its card: og:*, then twitter:*, then <title> and the description meta. */
export function parsePageMeta(html: string, baseUrl: string): PageMeta {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') inTitle = true;
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
        if (key && attributes.content !== undefined && !meta.has(key)) meta.set(key, attributes.content);
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        // Everything a card needs is in the head.
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const first = (...keys: string[]) => keys.map((key) => meta.get(key)).find((value) => value !== undefined && value.trim() !== '');
  const image = first('og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src');
  let imageUrl: string | undefined;
  try {
    imageUrl = image ? new URL(image.trim(), baseUrl).href : undefined;
  } catch {
    imageUrl = undefined;
  }
  return {
    title: clean(first('og:title', 'twitter:title') ?? title, MAX_TITLE),
    description: clean(first('og:description', 'twitter:description', 'description'), MAX_DESCRIPTION),
    image: imageUrl,
  };
}

/** The page's text in its own encoding (Japanese sites still serve Shift_JIS and EUC-JP). */
function decodeHtml(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const fromMeta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  for (const label of [fromHeader, fromMeta, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // an unknown label: try the next
    }
  }
  return new TextDecoder().decode(bytes);
}

/** The card cannot be made: a 400 on `url` with a catalogue code (messages/media.ts). */
const refused = (code: MediaMessageCode, params: Record<string, unknown> = {}): never => {
  throw new ValidationError([{ path: 'url', code, params }]);
};

/**
 * `POST /link-preview`: fetches the page through the safe fetcher, reads its card, and brings its
 * image into the media pipeline as the card's thumbnail (processed like any upload). Cached per
 * account and address for an hour.
 */
export async function linkPreview(ctx: ApiContext, ownerDid: string, url: string): Promise<LinkPreview> {
  const now = ctx.now();
  const cached = await findLinkPreview(ctx.db, ownerDid, url, new Date(now.getTime() - LINK_PREVIEW_TTL_MS));
  if (cached) return { uri: url, title: cached.title, description: cached.description, thumbMediaId: cached.thumbMediaId };

  let page: { html: string; finalUrl: string };
  try {
    const response = await ctx.linkFetch.page(url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    if (!response.ok) {
      await response.body?.cancel();
      return refused('unreachable', { status: response.status });
    }
    page = { html: decodeHtml(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type')), finalUrl: response.url };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const safe = findSafeFetchError(error);
    // Every refusal of the safe fetcher is a catalogue code (a new one does not compile until it is).
    if (safe) return refused(safe.code satisfies MediaMessageCode);
    ctx.logger.info('link preview: page unreachable', { reason: (error as Error).message });
    return refused('unreachable');
  }

  const meta = parsePageMeta(page.html, page.finalUrl);
  const thumbMediaId = meta.image ? await fetchThumbnail(ctx, ownerDid, meta.image) : null;
  await saveLinkPreview(ctx.db, { ownerDid, url, title: meta.title, description: meta.description, thumbMediaId, fetchedAt: now });
  return { uri: url, title: meta.title, description: meta.description, thumbMediaId };
}

/** The page's image as a new upload of the caller's, or null if it cannot be had (the card works without). */
async function fetchThumbnail(ctx: ApiContext, ownerDid: string, imageUrl: string): Promise<string | null> {
  try {
    const response = await ctx.linkFetch.image(imageUrl, { headers: { accept: 'image/*' } });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const row = await storeFetchedImage(ctx, ownerDid, { bytes, type: type === 'image/jpg' ? 'image/jpeg' : type });
    return row.id;
  } catch (error) {
    ctx.logger.info('link preview: no thumbnail', { reason: findSafeFetchError(error)?.code ?? (error as Error).message });
    return null;
  }
}
