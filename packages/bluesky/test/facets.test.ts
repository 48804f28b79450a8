import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFacets } from '../src';

const decoder = new TextDecoder();
const slice = (text: string, start: number, end: number) => decoder.decode(new TextEncoder().encode(text).slice(start, end));

/** Text that moves byte offsets around: multi-byte scripts, emoji sequences, flags, combining marks. */
const hardText = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      ' ',
      'é',
      'e\u0301',
      '日本',
      'ひらがな',
      '한국어',
      'Ωμέγα',
      'مرحبا',
      '👍',
      '👍🏽',
      '👨‍👩‍👧‍👦',
      '🏳️‍🌈',
      '🇯🇵',
      '🇫🇷',
      '\n',
      '…',
      '—',
      '𝕏',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** What the detector should find, with the exact text its byte range must cover. */
const token = fc.oneof(
  fc
    .constantFrom('alice.test', 'bob.bsky.social', 'x-y.example.com')
    .map((handle) => ({ text: `@${handle}`, type: 'mention', value: handle })),
  fc
    .constantFrom('https://atproto.com', 'https://example.com/a/b?c=d', 'https://日本.jp/パス')
    .map((url) => ({ text: url, type: 'link', value: url })),
  fc.constantFrom('日本語', 'chronopost', 'café', 'tag_2').map((tag) => ({ text: `#${tag}`, type: 'tag', value: tag })),
);

describe('facet detection', () => {
  it('byte ranges always slice exactly the mention, link or tag, whatever surrounds it', async () => {
    await fc.assert(
      fc.asyncProperty(hardText, token, hardText, async (before, expected, after) => {
        const text = `${before} ${expected.text} ${after}`;
        const facet = (await detectFacets(text)).find((found) => found.type === expected.type && found.value === expected.value);
        expect(facet, text).toBeDefined();
        expect(slice(text, facet!.byteStart, facet!.byteEnd)).toBe(expected.text);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds several in one text, in order, each slicing its own bytes', async () => {
    const text = '👨‍👩‍👧‍👦 @alice.test 🇯🇵 read https://atproto.com #日本語 done';
    const facets = await detectFacets(text);
    expect(facets.map((facet) => slice(text, facet.byteStart, facet.byteEnd))).toEqual(['@alice.test', 'https://atproto.com', '#日本語']);
  });

  it('leaves trailing punctuation out of links and plain words alone', async () => {
    const text = 'see https://atproto.com. and email me at not a link';
    expect(await detectFacets(text)).toEqual([{ byteStart: 4, byteEnd: 23, type: 'link', value: 'https://atproto.com' }]);
  });
});
