/** Bluesky's limits on a post's text. */
export const POST_TEXT_MAX_GRAPHEMES = 300;
export const POST_TEXT_MAX_BYTES = 3000;

// Made on first use: creating a segmenter loads ICU's break rules (tens of ms), which a cold start
// of a service that never counts graphemes (most requests) should not pay (issue 16).
let segmenter: Intl.Segmenter | undefined;
const encoder = new TextEncoder();

/** User-perceived characters: an emoji family, a flag or a letter with combining marks counts once. */
export function graphemeLength(text: string): number {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

export const utf8Length = (text: string): number => encoder.encode(text).length;

/** C0 and C1 control characters other than tab and newline, and unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A broken rule, as a code of the message catalogue (shared-schemas/messages) and its params. */
export interface Problem {
  code: string;
  params?: Record<string, unknown>;
}

/** Line endings as Bluesky stores them. */
export const normalizeText = (text: string): string => text.replaceAll('\r\n', '\n');

/**
 * What no stored string may contain: control characters (PostgreSQL's jsonb refuses NUL) and
 * unpaired surrogates (not Unicode at all). Newlines and tabs are text.
 */
export function storableTextProblems(text: string): Problem[] {
  const problems: Problem[] = [];
  if (CONTROL.test(text)) problems.push({ code: 'control_character' });
  if (LONE_SURROGATE.test(text)) problems.push({ code: 'invalid_unicode' });
  return problems;
}

/** Everything wrong with a post's text. Empty means publishable. */
export function textProblems(text: string, options: { hasEmbed: boolean }): Problem[] {
  const problems: Problem[] = [];
  problems.push(...storableTextProblems(text));
  if (text.trim() === '' && !options.hasEmbed) problems.push({ code: 'empty' });
  const graphemes = graphemeLength(text);
  if (graphemes > POST_TEXT_MAX_GRAPHEMES) problems.push({ code: 'too_long', params: { graphemes, max: POST_TEXT_MAX_GRAPHEMES } });
  const bytes = utf8Length(text);
  if (bytes > POST_TEXT_MAX_BYTES) problems.push({ code: 'too_many_bytes', params: { bytes, max: POST_TEXT_MAX_BYTES } });
  return problems;
}
