import { detectFacets } from '#atproto/facet-detection';
import { UnicodeString } from '#atproto/unicode-string';

/**
 * Links, mentions and hashtags as Bluesky will see them: the detector is `@atproto/api`'s own
 * (the API stores facets with the same one), only reported here by UTF-16 position for drawing.
 */
export interface TextSpan {
  start: number;
  end: number;
  type: 'mention' | 'link' | 'tag';
  /** The handle (mention), the full URL (link, `https://` added when typed without) or the tag. */
  value: string;
}

const FEATURE_TYPES: Record<string, TextSpan['type']> = {
  'app.bsky.richtext.facet#mention': 'mention',
  'app.bsky.richtext.facet#link': 'link',
  'app.bsky.richtext.facet#tag': 'tag',
};

/** UTF-16 positions (for drawing) of UTF-8 byte offsets (how facets count) in a text's bytes. */
function utf16Positions(utf8: Uint8Array) {
  const decoder = new TextDecoder();
  return (byte: number) => decoder.decode(utf8.slice(0, byte)).length;
}

export function findFacets(text: string): TextSpan[] {
  const unicode = new UnicodeString(text);
  const utf16At = utf16Positions(unicode.utf8);
  const spans: TextSpan[] = [];
  for (const facet of detectFacets(unicode) ?? []) {
    for (const feature of facet.features) {
      const type = FEATURE_TYPES[feature.$type];
      if (!type) continue;
      const value = feature.did ?? feature.uri ?? feature.tag ?? '';
      spans.push({ start: utf16At(facet.index.byteStart), end: utf16At(facet.index.byteEnd), type, value });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** A facet as the API stores it: by UTF-8 byte range. */
export interface StoredFacet {
  byteStart: number;
  byteEnd: number;
  type: TextSpan['type'];
  value: string;
}

/** Stored facets as spans of the text (UTF-16 positions, for drawing). */
export function storedSpans(text: string, facets: readonly StoredFacet[]): TextSpan[] {
  const utf16At = utf16Positions(new TextEncoder().encode(text));
  return facets
    .map((facet) => ({ start: utf16At(facet.byteStart), end: utf16At(facet.byteEnd), type: facet.type, value: facet.value }))
    .sort((a, b) => a.start - b.start);
}

export type Segment = { text: string; facet?: TextSpan };

/** The text cut into plain runs and facets, in order (for the editor's highlight layer and the preview). */
export function segments(text: string, spans: TextSpan[] = findFacets(text)): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    if (span.start > at) out.push({ text: text.slice(at, span.start) });
    out.push({ text: text.slice(span.start, span.end), facet: span });
    at = span.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
