/** A link, mention or hashtag by UTF-8 byte range; a mention holds the handle until publication. */
export interface DetectedFacet {
  byteStart: number;
  byteEnd: number;
  type: 'mention' | 'link' | 'tag';
  value: string;
}

import type { RichText } from '@atproto/api';

// `@atproto/api` is ~600 KB of bundle (its whole lexicon set comes with RichText): loaded on the
// first post written, not at every cold start of every function that links this package.
let richText: Promise<typeof RichText> | undefined;

/**
 * Finds links, mentions and hashtags the way the Bluesky app does (`@atproto/api` RichText), with
 * byte offsets into the UTF-8 text, so they stay exact whatever emoji or scripts precede them.
 */
export async function detectFacets(text: string): Promise<DetectedFacet[]> {
  const RichTextClass = await (richText ??= import('@atproto/api').then((module) => module.RichText));
  const rich = new RichTextClass({ text });
  rich.detectFacetsWithoutResolution();
  const found: DetectedFacet[] = [];
  for (const facet of rich.facets ?? []) {
    const { byteStart, byteEnd } = facet.index;
    for (const feature of facet.features) {
      const type = feature.$type;
      if (type === 'app.bsky.richtext.facet#mention')
        found.push({ byteStart, byteEnd, type: 'mention', value: (feature as { did: string }).did });
      else if (type === 'app.bsky.richtext.facet#link')
        found.push({ byteStart, byteEnd, type: 'link', value: (feature as { uri: string }).uri });
      else if (type === 'app.bsky.richtext.facet#tag')
        found.push({ byteStart, byteEnd, type: 'tag', value: (feature as { tag: string }).tag });
    }
  }
  return found.sort((a, b) => a.byteStart - b.byteStart);
}
