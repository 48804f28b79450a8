import { graphemeLength, POST_TEXT_MAX_GRAPHEMES } from '@chronopost/shared-schemas';

/**
 * Cuts a text too long for one post into posts of at most `max` graphemes, at sentence boundaries
 * (in the text's language, by `Intl.Segmenter`), a sentence too long on its own at word
 * boundaries, a word too long on its own at graphemes. Whitespace between posts is dropped; nothing
 * else is added, removed or reordered.
 */
export function splitIntoPosts(text: string, locale: string, max = POST_TEXT_MAX_GRAPHEMES): string[] {
  const pieces = (input: string, granularity: 'sentence' | 'word' | 'grapheme') =>
    [...new Intl.Segmenter(locale, { granularity }).segment(input)].map((part) => part.segment);

  // Units no longer than `max`, in order: sentences, or the words (or graphemes) of a long one.
  const units: string[] = [];
  const add = (piece: string, level: 'sentence' | 'word' | 'grapheme') => {
    if (graphemeLength(piece.trim()) <= max) units.push(piece);
    else if (level === 'sentence') pieces(piece, 'word').forEach((word) => add(word, 'word'));
    else pieces(piece, 'grapheme').forEach((grapheme) => units.push(grapheme));
  };
  pieces(text.trim(), 'sentence').forEach((sentence) => add(sentence, 'sentence'));

  const posts: string[] = [];
  let current = '';
  for (const unit of units) {
    const candidate = current + unit;
    if (graphemeLength(candidate.trim()) <= max) current = candidate;
    else {
      if (current.trim()) posts.push(current.trim());
      current = unit.trimStart();
    }
  }
  if (current.trim()) posts.push(current.trim());
  return posts;
}
