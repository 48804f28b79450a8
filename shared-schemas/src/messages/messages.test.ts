import { MEDIA_NOTES, MEDIA_REJECTIONS, VIDEO_UPLOAD_FAILURES } from '@chronopost/core';
import { describe, expect, it } from 'vitest';
import { type z } from 'zod';
import { createPostSchema } from '../api/posts';
import { errorMessages } from './errors';
import { MESSAGES, type MessageDefinition, renderMessage, zodIssueCode, zodIssueParams } from './index';
import { durationEn, durationJa } from './durations';
import { mediaMessages } from './media';
import { notificationMessages } from './notifications';
import { publishingMessages } from './publishing';
import { sessionMessages } from './sessions';
import { validationMessages } from './validation';

/** Params that satisfy a definition's schema, made from its shape (strings, numbers, enums). */
function sampleParams(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType> | undefined;
  const params: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape ?? {})) {
    const type = (field as { def: { type: string } }).def.type;
    const inner = type === 'default' || type === 'optional' ? (field as unknown as { def: { innerType: z.ZodType } }).def.innerType : field;
    const innerType = (inner as { def: { type: string } }).def.type;
    if (innerType === 'enum') params[key] = (inner as z.ZodEnum).options[0];
    else if (innerType === 'number' || innerType === 'union' || innerType === 'pipe') params[key] = 3;
    else if (innerType === 'array') params[key] = ['a', 'b'];
    else if (innerType === 'boolean') params[key] = true;
    else params[key] = key === 'endsAt' ? '2027-01-02T03:04:05.000Z' : 'x';
  }
  return params;
}

const JAPANESE = /[\u3040-\u30FF\u4E00-\u9FFF]/;

describe('message catalogue', () => {
  it('has each code once across its concepts', () => {
    const concepts = [validationMessages, errorMessages, publishingMessages, sessionMessages, notificationMessages, mediaMessages];
    const all = concepts.flatMap((concept) => Object.keys(concept));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(MESSAGES).sort()).toEqual([...all].sort());
  });

  it.each(Object.keys(MESSAGES))('renders %s in English and in Japanese', (code) => {
    const definition = MESSAGES[code as keyof typeof MESSAGES] as unknown as MessageDefinition;
    const params = sampleParams(definition.params);
    const en = renderMessage({ code, params }, 'en');
    const ja = renderMessage({ code, params }, 'ja');
    expect(en).not.toMatch(/^Something went wrong \(/);
    expect(en.length).toBeGreaterThan(0);
    expect(en).not.toMatch(/undefined|\[object/);
    expect(ja).not.toMatch(/undefined|\[object|^エラーが発生しました/);
    if (code !== 'legacy_message') expect(ja).toMatch(JAPANESE);
  });

  it('never throws: an unknown code or params that do not fit give a generic sentence', () => {
    expect(renderMessage({ code: 'no_such_code' })).toBe('Something went wrong (no_such_code).');
    expect(renderMessage({ code: 'too_long', params: { graphemes: 'many' } }, 'ja')).toBe('エラーが発生しました（too_long）。');
  });

  it('keeps the sentences the API has always sent', () => {
    expect(renderMessage({ code: 'pds_unreachable' })).toBe('Your Bluesky server could not be reached.');
    expect(renderMessage({ code: 'session_ended', params: { state: 'revoked', reason: 'session_revoked', blockedPosts: 2 } })).toMatch(
      /Log in again.*2 scheduled posts are on hold/,
    );
    expect(renderMessage({ code: 'posts_resumed', params: { resumed: 1, missed: 0 } }, 'ja')).toBe(
      'おかえりなさい。保留していた投稿1件は予定どおり（時刻を過ぎたものはすぐに）投稿されます。',
    );
  });

  it('renders zod’s issues and our rules from their facts', () => {
    const issues = [{ langs: ['en', 'ja', 'fr', 'de'] }, { text: 'あ'.repeat(301) }].flatMap(
      (item) => createPostSchema.safeParse({ items: [{ text: 'x', ...item }] }).error?.issues ?? [],
    );
    const rendered = issues.map((issue) => ({
      code: zodIssueCode(issue),
      en: renderMessage({ code: zodIssueCode(issue), params: zodIssueParams(issue) }),
      ja: renderMessage({ code: zodIssueCode(issue), params: zodIssueParams(issue) }, 'ja'),
    }));
    expect(rendered).toContainEqual({ code: 'too_big', en: 'Must have at most 3 items.', ja: '3件以内にしてください。' });
    expect(rendered).toContainEqual({
      code: 'too_long',
      en: 'The text is 301 characters long; Bluesky allows 300.',
      ja: '本文が301文字あります。Blueskyでは300文字までです。',
    });
  });

  it('has a message for every reason an upload is rejected and every note on a processed one', () => {
    expect([...MEDIA_REJECTIONS, ...MEDIA_NOTES].filter((code) => !Object.hasOwn(mediaMessages, code))).toEqual([]);
  });

  it('has a message for every reason a video’s upload to its PDS fails for good', () => {
    expect(VIDEO_UPLOAD_FAILURES.filter((code) => !Object.hasOwn(publishingMessages, code))).toEqual([]);
  });

  it('says an upload’s limits from its params, in either language', () => {
    const declared = { code: 'too_large', params: { maxBytes: 30 * 1024 * 1024, declaredBytes: 1200 } };
    expect(renderMessage(declared)).toBe(
      'The file that arrived is not the size declared for it (1,200 bytes), or is larger than uploads may be (30 MB).',
    );
    expect(renderMessage({ code: 'too_large', params: { maxBytes: 30 * 1024 * 1024 } }, 'ja')).toBe(
      'ファイルが大きすぎます。アップロードできるのは30MBまでです。',
    );
    expect(renderMessage({ code: 'cannot_fit', params: { maxBytes: 1_000_000 } })).toBe(
      'The image cannot be made small enough for Bluesky (1 MB).',
    );
    // Bluesky's limits are decimal: the video limit reads as people say it, not as a byte count.
    expect(renderMessage({ code: 'too_large', params: { maxBytes: 100_000_000 } })).toBe(
      'The file is too large: uploads may be at most 100 MB.',
    );
    expect(renderMessage({ code: 'too_large', params: { maxBytes: 100_000_000 } }, 'ja')).toBe(
      'ファイルが大きすぎます。アップロードできるのは100MBまでです。',
    );
    expect(renderMessage({ code: 'too_large', params: { maxBytes: 20_000 } })).toBe(
      'The file is too large: uploads may be at most 20,000 bytes.',
    );
    expect(renderMessage({ code: 'unreachable', params: { status: 404 } }, 'ja')).toBe('ページがステータス 404 を返しました。');
  });

  it('says why a video was refused from its params, in either language', () => {
    const tooLong = { code: 'video_too_long', params: { maxSeconds: 180, seconds: 241 } };
    expect(renderMessage(tooLong)).toBe('The video is longer than Bluesky allows (3 minutes; this one is 4 minutes 1 second).');
    expect(renderMessage(tooLong, 'ja')).toBe('動画が Bluesky の上限（3分）より長いです（この動画は4分1秒）。');
    expect(renderMessage({ code: 'unsupported_video_type', params: { accepted: ['MP4', 'MOV (QuickTime)'] } }, 'ja')).toBe(
      'この動画形式には対応していません。MP4またはMOV (QuickTime)を使ってください。WebM はそのままでは Bluesky に投稿できません。',
    );
    expect(renderMessage({ code: 'damaged', params: { kind: 'video' } })).toBe('The video is damaged or incomplete.');
    // Rows stored before videos carry no kind: they were images.
    expect(renderMessage({ code: 'damaged', params: {} }, 'ja')).toBe('画像が壊れているか、途中までしかありません。');
  });

  it('renders durations in the units people use, in either language', () => {
    expect(durationEn(3600)).toBe('1 hour');
    expect(durationJa(3600)).toBe('1時間');
    expect(durationEn(5400)).toBe('1 hour 30 minutes');
    expect(durationJa(5400)).toBe('1時間30分');
    expect(durationEn(90)).toBe('1 minute 30 seconds');
    expect(durationJa(90)).toBe('1分30秒');
    expect(durationEn(30)).toBe('30 seconds');
    expect(durationEn(1)).toBe('1 second');
    expect(durationEn(2 * 86_400 + 3_600)).toBe('2 days 1 hour');
    expect(durationJa(2 * 86_400 + 3_600)).toBe('2日1時間');
    // Nothing rounded away: a measured length keeps its fraction of a second.
    expect(durationEn(180.5)).toBe('3 minutes 0.5 seconds');
    expect(durationJa(0)).toBe('0秒');
    // In the messages that carry a duration.
    expect(renderMessage({ code: 'too_soon', params: { minLeadSeconds: 3600 } })).toBe(
      'Schedule at least 1 hour ahead (publish now by picking a time just after).',
    );
    expect(renderMessage({ code: 'too_soon', params: { minLeadSeconds: 3600 } }, 'ja')).toBe(
      '予約は1時間以上先の時刻にしてください（すぐに投稿したい場合は少し先の時刻を選んでください）。',
    );
    expect(renderMessage({ code: 'too_late', params: { graceMinutes: 90 } })).toBe(
      'It could not be published within 1 hour 30 minutes of its time, as its late policy asks, so it was skipped. Nothing was posted.',
    );
    expect(renderMessage({ code: 'too_late', params: { graceMinutes: 1440 } }, 'ja')).toBe(
      '遅延時の設定どおり、予定時刻から1日以内に投稿できなかったため見送りました。何も投稿されていません。',
    );
    expect(renderMessage({ code: 'video_processing_too_long', params: { minutes: 60 } }, 'ja')).toBe(
      '予定時刻から1時間たっても Bluesky の動画サービスで動画の処理が終わらなかったため、公開しませんでした。',
    );
  });
});
