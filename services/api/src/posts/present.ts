import type { PostWithItems } from '@chronopost/db';
import type { Embed, Facet, Post, PostOptions } from '@chronopost/shared-schemas';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A stored post as the API shows it. */
export function presentPost(row: PostWithItems): Post {
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
    lastError: row.lastError ? { class: row.lastErrorClass, message: row.lastError } : null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: iso(row.publishedAt),
  };
}

export const etag = (version: number) => `"${version}"`;

/** `If-Match: "3"` (or `W/"3"`, or `3`) → 3; undefined when absent; NaN when unreadable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  return match ? Number(match[1]) : Number.NaN;
}
