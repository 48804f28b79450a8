import { describe, expect, it } from 'vitest';
import { graphemeLength, textProblems, utf8Length } from './text';

const codes = (text: string, hasEmbed = false) => textProblems(text, { hasEmbed }).map((problem) => problem.code);

describe('post text rules', () => {
  it('counts graphemes, not code units: families, flags and combining marks count once', () => {
    expect(graphemeLength('👨‍👩‍👧‍👦')).toBe(1);
    expect(graphemeLength('🇯🇵🇫🇷')).toBe(2);
    expect(graphemeLength('e\u0301')).toBe(1);
    expect(graphemeLength('日本語')).toBe(3);
  });

  it('accepts Japanese text of exactly 300 graphemes and refuses 301', () => {
    const base = 'あいうえおかきくけこ'.repeat(30);
    expect(graphemeLength(base)).toBe(300);
    expect(utf8Length(base)).toBe(900);
    expect(codes(base)).toEqual([]);
    expect(codes(`${base}さ`)).toEqual(['too_long']);
  });

  it('refuses 3001 bytes even under 300 graphemes', () => {
    const text = `${'👨‍👩‍👧‍👦'.repeat(120)}a`;
    expect(utf8Length(text)).toBe(3001);
    expect(graphemeLength(text)).toBe(121);
    expect(codes(text)).toEqual(['too_many_bytes']);
    expect(codes(text.slice(0, -1))).toEqual([]);
  });

  it('refuses empty text unless something is attached', () => {
    expect(codes('   \n ')).toEqual(['empty']);
    expect(codes('', true)).toEqual([]);
  });

  it('refuses control characters and broken Unicode but keeps newlines and tabs', () => {
    expect(codes('a\u0000b')).toEqual(['control_character']);
    expect(codes('a\u0085b')).toEqual(['control_character']);
    expect(codes('a\uD800b')).toEqual(['invalid_unicode']);
    expect(codes('line one\nline two\tend')).toEqual([]);
  });
});
