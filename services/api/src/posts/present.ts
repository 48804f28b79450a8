import type { PostWithItems } from '@chronopost/db';
import { type Embed, type Facet, type Post, type PostOptions, renderMessage } from '@chronopost/shared-schemas';
import { createHash } from 'node:crypto';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A stored post as the API shows it: reasons as catalogue code and params, with their English sentence. */
export function presentPost(row: PostWithItems): Post {
  const params = (row.lastErrorParams ?? {}) as Record<string, unknown>;
  return {
    id: row.id,
    status: row.status,
    scheduledAt: iso(row.scheduledAt),
    timeZone: row.timeZone,
    latePolicy: { mode: row.latePolicy, graceSeconds: row.lateGraceSeconds },
    options: row.options as PostOptions,
    items: row.items.map((item) => ({
      position: item.position,
      text: item.text,
      langs: item.langs,
      labels: item.labels as Post['items'][number]['labels'],
      embed: (item.embed as Embed | null) ?? null,
      facets: (item.facets as Facet[] | null) ?? [],
      rkey: item.rkey,
      uri: item.uri,
      cid: item.cid,
    })),
    attempts: row.attempts,
    lastError: row.lastErrorCode
      ? { class: row.lastErrorClass, code: row.lastErrorCode, params, message: renderMessage({ code: row.lastErrorCode, params }) }
      : null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: iso(row.publishedAt),
  };
}

/** A post's ETag is its version: every change, by the user or by the system, bumps it. */
export const etag = (version: number) => `"${version}"`;

/** A list's ETag: the posts' ids and versions and where the page ends, hashed. */
export const listEtag = (posts: Array<{ id: string; version: number }>, nextCursor: string | null) =>
  `"${createHash('sha256')
    .update(JSON.stringify([posts.map((post) => [post.id, post.version]), nextCursor]))
    .digest('base64url')
    .slice(0, 27)}"`;

/** `If-Match: "3"` (or `W/"3"`, or `3`) → 3; undefined when absent; NaN when unreadable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  return match ? Number(match[1]) : Number.NaN;
}

/** Whether `If-None-Match` names the current ETag (`*`, or one of a list; weak comparison, as RFC 9110 asks). */
export function matchesIfNoneMatch(header: string | undefined, current: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => strip(tag) === strip(current));
}
