import { detectFacets } from '@chronopost/bluesky';
import { graphemeLength, type Post } from '@chronopost/shared-schemas';
import { graphemeLen } from '@atproto/common-web';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { findFacets } from '../src/compose/facets';
import { emptyState, fromPost, newItem, requestBody } from '../src/compose/model';
import { itemProblems, problems } from '../src/compose/validation';
import { apiTime, quickChoices, readWallTime, type Temporal as TemporalApi } from '../src/compose/time';

const T: TemporalApi = Temporal;
const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('facets in the composer', () => {
  const pieces = [
    '@alice.test',
    '@bob.bsky.social',
    'https://example.com/a?b=c',
    'example.org/path',
    '#アート',
    '#tag',
    '＃全角',
    ' ',
    '\n',
    '。',
    '、',
    'こんにちは',
    'hello',
    '👨‍👩‍👧',
    '🎨',
    '(',
    ')',
    '.',
    ',',
    '$ABC',
  ];

  it('are exactly the facets the API stores (same detector, by byte range), whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), async (parts) => {
        const text = parts.join('');
        const browser = findFacets(text).map((span) => ({
          byteStart: bytes(text.slice(0, span.start)),
          byteEnd: bytes(text.slice(0, span.end)),
          type: span.type,
          value: span.value,
        }));
        expect(browser).toEqual(await detectFacets(text));
      }),
      { numRuns: 500 },
    );
  });

  it('count graphemes in the browser bundle as @atproto/common-web does (its stand-in there)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        expect(graphemeLength(text)).toBe(graphemeLen(text));
      }),
      {
        numRuns: 500,
      },
    );
  });
});

describe('the composer’s request', () => {
  const base = () => emptyState({ langs: ['ja'], timeZone: 'Europe/Paris', date: '2027-01-15', time: '09:30' });

  it('is a thread with languages, labels, gates, late policy and a wall time in a zone', () => {
    const state = {
      ...base(),
      items: [{ ...newItem('一'), quote: 'https://bsky.app/profile/alice.test/post/3kabc' }, newItem('二')],
      labels: ['nudity' as const],
      reply: { mode: 'limited' as const, mentioned: true, following: false, followers: true, list: '' },
      allowQuotes: false,
      late: { mode: 'publish' as const, graceSeconds: 900 },
    };
    expect(requestBody(state, true)).toEqual({
      items: [
        { text: '一', langs: ['ja'], labels: ['nudity'], embed: { type: 'quote', uri: 'https://bsky.app/profile/alice.test/post/3kabc' } },
        { text: '二', langs: ['ja'], labels: ['nudity'] },
      ],
      scheduledAt: '2027-01-15T09:30:00[Europe/Paris]',
      latePolicy: { mode: 'publish', graceSeconds: 900 },
      options: { replyControl: { mode: 'limited', allow: ['mentioned', 'followers'] }, quoteControl: { allowQuotes: false } },
    });
    expect(problems(state, true)).toEqual([]);
    expect(requestBody(state, false).scheduledAt).toBeNull();
  });

  it('is refused in the browser for what the API refuses: 301 characters, a bad quote, no reply group', () => {
    const state = base();
    const long = { ...newItem('あ'.repeat(301)) };
    expect(itemProblems(long, state).map((problem) => [problem.path, problem.code])).toEqual([['text', 'too_long']]);
    expect(itemProblems({ ...newItem('ok'), quote: 'https://example.com/not-a-post' }, state).map((problem) => problem.code)).toEqual([
      'invalid_post_uri',
    ]);
    const nobody = {
      ...state,
      items: [newItem('ok')],
      reply: { ...state.reply, mode: 'limited' as const, mentioned: false, following: false },
    };
    expect(problems(nobody, false).map((problem) => problem.path)).toEqual(['options.replyControl.allow']);
  });

  it('reads a saved post back as it was written', () => {
    const state = {
      ...base(),
      items: [
        newItem('first'),
        { ...newItem('second'), quote: 'at://did:plc:abc/app.bsky.feed.post/3kabc' },
        // A video: kept with its alt text when the post is edited.
        {
          ...newItem('third'),
          video: {
            key: 'v',
            mediaId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
            alt: 'a cat',
            name: '',
            status: 'ready' as const,
            captions: [],
          },
        },
      ],
      reply: {
        mode: 'limited' as const,
        mentioned: false,
        following: true,
        followers: false,
        list: 'at://did:plc:abc/app.bsky.graph.list/3kxyz',
      },
    };
    const body = requestBody(state, true);
    expect(body.items[2]!.embed).toEqual({ type: 'video', mediaId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', alt: 'a cat' });
    const post = {
      id: '0b1f0e52-7c71-4f4b-9c3e-6d7a8b5f2a11',
      status: 'scheduled',
      scheduledAt: '2027-01-15T08:30:00.000Z',
      timeZone: 'Europe/Paris',
      latePolicy: body.latePolicy,
      options: body.options,
      items: body.items.map((item, position) => ({
        position,
        text: item.text,
        langs: ['ja'],
        labels: [],
        embed: item.embed ?? null,
        facets: [],
        rkey: null,
        uri: null,
        cid: null,
      })),
      attempts: 0,
      lastError: null,
      version: 3,
      createdAt: '2027-01-01T00:00:00.000Z',
      updatedAt: '2027-01-01T00:00:00.000Z',
      publishedAt: null,
    } as Post;
    const back = fromPost(post, { date: '2027-01-15', time: '09:30', timeZone: 'Europe/Paris' });
    expect(requestBody(back, true)).toEqual(body);
  });

  it('holds a post back while its video is uploading, refused or lost, or its captions are being saved; not while it is checked', () => {
    const state = base();
    const video = { key: 'v', mediaId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', alt: '', name: 'a.mp4', captions: [] };
    const codes = (
      status: 'sending' | 'processing' | 'ready' | 'rejected' | 'failed',
      captions: Array<{ lang: string; status: 'saving' | 'saved' }> = [],
    ) => itemProblems({ ...newItem('clip'), video: { ...video, status, captions } }, state).map((problem) => problem.code);
    expect(codes('sending')).toEqual(['video_uploading']);
    expect(codes('rejected')).toEqual(['video_refused']);
    expect(codes('failed')).toEqual(['video_upload_failed']);
    expect(codes('processing')).toEqual([]);
    expect(codes('ready', [{ lang: 'ja', status: 'saving' }])).toEqual(['captions_saving']);
    expect(codes('ready', [{ lang: 'ja', status: 'saved' }])).toEqual([]);
  });
});

describe('wall times in a zone', () => {
  it('says a time the clocks skip is skipped, a repeated one takes the first, others are plain', () => {
    expect(readWallTime(T, '2027-03-28', '02:30', 'Europe/Paris')).toEqual({ kind: 'skipped', before: '+01:00', after: '+02:00' });
    expect(readWallTime(T, '2027-10-31', '02:30:00', 'Europe/Paris')).toEqual({
      kind: 'repeated',
      first: { epochMs: Date.parse('2027-10-31T00:30:00Z'), offset: '+02:00' },
      second: { epochMs: Date.parse('2027-10-31T01:30:00Z'), offset: '+01:00' },
    });
    expect(readWallTime(T, '2027-01-15', '09:30:15', 'Asia/Tokyo')).toEqual({
      kind: 'ok',
      epochMs: Date.parse('2027-01-15T00:30:15Z'),
      offset: '+09:00',
    });
    expect(readWallTime(T, '2027-02-30', '09:30', 'Asia/Tokyo').kind).toBe('invalid');
    expect(apiTime('2027-01-15', '09:30', 'Asia/Tokyo')).toBe('2027-01-15T09:30:00[Asia/Tokyo]');
    expect(apiTime('2027-01-15', '09:30:15', 'Asia/Tokyo')).toBe('2027-01-15T09:30:15[Asia/Tokyo]');
  });

  it('offers in an hour (to the next 5 minutes), tonight, tomorrow morning and next Monday', () => {
    // Wednesday 13 January 2027, 10:07 in Tokyo.
    const now = T.Instant.from('2027-01-13T01:07:00Z');
    expect(quickChoices(T, 'Asia/Tokyo', now)).toEqual([
      { key: 'inAnHour', date: '2027-01-13', time: '11:10' },
      { key: 'tonight', date: '2027-01-13', time: '20:00' },
      { key: 'tomorrowMorning', date: '2027-01-14', time: '09:00' },
      { key: 'nextMonday', date: '2027-01-18', time: '09:00' },
    ]);
    // Sunday 22:30: no "tonight"; tomorrow is Monday, offered once.
    expect(quickChoices(T, 'Asia/Tokyo', T.Instant.from('2027-01-17T13:30:00Z')).map((choice) => choice.key)).toEqual([
      'inAnHour',
      'tomorrowMorning',
    ]);
  });
});
