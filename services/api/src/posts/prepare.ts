import { detectFacets, MAX_MENTIONS_RESOLVED, resolveMentions } from '@chronopost/bluesky';
import { type MediaKind, scheduleProblems } from '@chronopost/core';
import { findOwnedMedia, type ItemContent } from '@chronopost/db';
import { ValidationError } from '@chronopost/lambda-kit';
import { type Embed, type ErrorIssue, type IssueInput, type PostItemInput, renderMessage } from '@chronopost/shared-schemas';
import type { ApiContext } from '../context';

export type Warning = ErrorIssue;

const mediaRefs = (embed: Embed | undefined): Array<{ id: string; path: string[]; kind: MediaKind }> => {
  if (!embed) return [];
  if (embed.type === 'images' || embed.type === 'quoteWithImages') {
    return embed.images.map((image, index) => ({ id: image.mediaId, path: ['embed', 'images', String(index), 'mediaId'], kind: 'image' }));
  }
  if (embed.type === 'video') return [{ id: embed.mediaId, path: ['embed', 'mediaId'], kind: 'video' }];
  if (embed.type === 'external' && embed.thumbMediaId) return [{ id: embed.thumbMediaId, path: ['embed', 'thumbMediaId'], kind: 'image' }];
  return [];
};

/**
 * Turns validated items into stored ones: every image must be one of the caller's uploads (and
 * not rejected), facets are detected with exact byte offsets, and mentions are resolved now to warn
 * about handles that do not exist (they are resolved again at publication).
 */
export async function prepareItems(
  ctx: ApiContext,
  ownerDid: string,
  items: PostItemInput[],
): Promise<{ items: ItemContent[]; warnings: Warning[] }> {
  const refs = items.flatMap((item, index) =>
    mediaRefs(item.embed).map((ref) => ({ ...ref, path: ['items', String(index), ...ref.path].join('.') })),
  );
  const owned = new Map((await findOwnedMedia(ctx.db, ownerDid, [...new Set(refs.map((ref) => ref.id))])).map((row) => [row.id, row]));
  const issues: IssueInput[] = [];
  for (const ref of refs) {
    const row = owned.get(ref.id);
    if (!row) issues.push({ path: ref.path, code: 'media_not_found' });
    else if (row.kind !== ref.kind)
      issues.push({ path: ref.path, code: 'media_kind_mismatch', params: { kind: row.kind, expected: ref.kind } });
    else if (row.state === 'rejected') issues.push({ path: ref.path, code: 'media_rejected' });
  }
  if (issues.length) throw new ValidationError(issues);

  const prepared = await Promise.all(
    items.map(async (item) => ({
      text: item.text,
      facets: await detectFacets(item.text),
      // A video's alt text, when the post gives none, is the one stored with the upload.
      embed:
        item.embed?.type === 'video'
          ? { ...item.embed, alt: item.embed.alt ?? owned.get(item.embed.mediaId)?.alt ?? '' }
          : (item.embed ?? null),
      langs: item.langs,
      labels: item.labels,
    })),
  );

  const warnings: Warning[] = [];
  const handles = prepared.flatMap((item) => item.facets.filter((facet) => facet.type === 'mention').map((facet) => facet.value));
  if (handles.length) {
    const resolved = await resolveMentions(ctx.identityResolver, handles);
    const skipped = new Set(resolved.skipped);
    prepared.forEach((item, index) => {
      for (const facet of item.facets) {
        const handle = facet.value.toLowerCase();
        if (facet.type === 'mention' && !resolved.has(handle) && !skipped.has(handle)) {
          const params = { handle: facet.value };
          warnings.push({
            path: `items.${index}.text`,
            code: 'unresolved_mention',
            params,
            message: renderMessage({ code: 'unresolved_mention', params }),
          });
        }
      }
    });
    if (skipped.size) {
      const params = { max: MAX_MENTIONS_RESOLVED };
      warnings.push({ path: 'items', code: 'too_many_mentions', params, message: renderMessage({ code: 'too_many_mentions', params }) });
    }
  }
  return { items: prepared, warnings };
}

/** Refuses a time too soon or too far, with the field to fix. */
export function assertSchedulable(ctx: ApiContext, at: Date): void {
  const problems = scheduleProblems(at, ctx.now(), ctx.config.schedule);
  if (problems.length)
    throw new ValidationError(problems.map((problem) => ({ path: 'scheduledAt', code: problem.code, params: problem.params ?? {} })));
}
