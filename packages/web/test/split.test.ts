import { graphemeLength } from '@chronopost/shared-schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitIntoPosts } from '../src/compose/split';

const words = (text: string) => text.replace(/\s+/g, '');

describe('splitting a long text into a thread', () => {
  it('cuts English at sentence ends, each post within the limit, nothing lost', () => {
    const sentence = 'Chronopost publishes your thread at the second you chose, in order, exactly once. ';
    const text = sentence.repeat(9).trim();
    const posts = splitIntoPosts(text, 'en');
    expect(posts.length).toBe(3);
    for (const post of posts) {
      expect(graphemeLength(post)).toBeLessThanOrEqual(300);
      expect(post.endsWith('once.')).toBe(true);
    }
    expect(words(posts.join(''))).toBe(words(text));
  });

  it('cuts Japanese after 。 and counts emoji as one character each', () => {
    const sentence = '今日は東京で新しい展示を見てきました👨‍👩‍👧とても楽しかったです。';
    const text = sentence.repeat(20);
    const posts = splitIntoPosts(text, 'ja');
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(graphemeLength(post)).toBeLessThanOrEqual(300);
      expect(post.endsWith('。')).toBe(true);
    }
    expect(posts.join('')).toBe(text);
  });

  it('cuts a sentence longer than a post at word boundaries, and one endless word at graphemes', () => {
    const long = `${'word '.repeat(100)}end.`;
    const posts = splitIntoPosts(long, 'en', 100);
    expect(posts.every((post) => graphemeLength(post) <= 100)).toBe(true);
    expect(posts.every((post) => !post.startsWith('ord'))).toBe(true);
    const endless = 'a'.repeat(650);
    expect(splitIntoPosts(endless, 'en').map(graphemeLength)).toEqual([300, 300, 50]);
  });

  it('never exceeds the limit and keeps every non-space character in order, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 1200 }), fc.integer({ min: 20, max: 300 }), (text, max) => {
        const posts = splitIntoPosts(text, 'en', max);
        expect(posts.every((post) => graphemeLength(post) <= max && post.trim() === post && post !== '')).toBe(true);
        expect(words(posts.join(''))).toBe(words(text.trim()));
      }),
      { numRuns: 300 },
    );
  });
});
