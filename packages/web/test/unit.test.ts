import { postStatusSchema, renderMessage } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../src/api/errors';
import { preferredLocale } from '../src/i18n/locales';
import { en } from '../src/i18n/en';
import { ja } from '../src/i18n/ja';
import { screensEn } from '../src/i18n/screens-en';
import { screensJa } from '../src/i18n/screens-ja';

describe('the interface language', () => {
  it('is the stored choice, else the first browser language we speak, else English', () => {
    expect(preferredLocale('ja', ['en-US'])).toBe('ja');
    expect(preferredLocale(null, ['fr-FR', 'ja-JP', 'en'])).toBe('ja');
    expect(preferredLocale(null, ['EN-gb'])).toBe('en');
    expect(preferredLocale('klingon', ['de-DE'])).toBe('en');
  });

  it.each([
    { texts: 'the first screens', english: en, japanese: ja, alike: ['.app.name'] },
    { texts: 'the later screens', english: screensEn, japanese: screensJa, alike: [] },
  ])('has every English text of $texts in Japanese, with the same shape', ({ english, japanese, alike }) => {
    const shape = (value: unknown): unknown =>
      typeof value === 'function'
        ? 'function'
        : Array.isArray(value)
          ? value.map(shape)
          : typeof value === 'object' && value
            ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]))
            : typeof value;
    expect(shape(japanese)).toEqual(shape(english));
    // Translated, not copied: the few that may stay alike are proper names.
    const same: string[] = [];
    const walk = (a: unknown, b: unknown, path: string) => {
      if (typeof a === 'string' && a === b) same.push(path);
      else if (typeof a === 'object' && a) for (const key of Object.keys(a)) walk((a as never)[key], (b as never)[key], `${path}.${key}`);
    };
    walk(english, japanese, '');
    expect(same).toEqual(alike);
  });

  it('says durations in its own texts as the API’s messages do (1 hour, 1時間), not as a count of seconds', () => {
    // The calendar's own words for "too soon", used when the API's catalogue has not loaded.
    expect(screensEn.calendar.tooSoon(3600)).toBe('Schedule at least 1 hour ahead.');
    expect(screensJa.calendar.tooSoon(5400)).toBe('予約は1時間30分以上先の時刻にしてください。');
    expect(screensEn.calendar.tooSoon(30)).toBe('Schedule at least 30 seconds ahead.');
    expect(screensEn.post.lateSkip(1440)).toBe('Skip it if it is more than 1 day late.');
    expect(screensJa.post.lateSkip(90)).toBe('1時間30分以上遅れたら見送ります。');
  });
});

describe('status names', () => {
  it('are the ones the API’s Japanese sentences use, for every status, in both languages', () => {
    for (const status of postStatusSchema.options) {
      expect(screensEn.status[status]).toMatch(/^\p{Lu}/u);
      const sentence = renderMessage({ code: 'invalid_status', params: { status, command: 'edit' } }, 'ja');
      expect(sentence.startsWith(`${screensJa.status[status]}の投稿は`), sentence).toBe(true);
    }
  });
});

describe('reading the API’s errors', () => {
  it('keeps our code, message, fields and retry delay', () => {
    const error = errorFromResponse(
      400,
      { error: { code: 'validation_failed', message: 'no', issues: [{ path: 'items.0.text', code: 'too_long', message: 'long' }] } },
      null,
    );
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', issues: [{ path: 'items.0.text', code: 'too_long' }] });
    expect(errorFromResponse(429, { error: { code: 'rate_limited', message: 'slow down' } }, '120').retryAfterSeconds).toBe(120);
  });

  it('gives API Gateway’s own answers and unreadable bodies a code from their status', () => {
    expect(errorFromResponse(401, { message: 'Unauthorized' }, null)).toMatchObject({ code: 'unauthorized', message: 'Unauthorized' });
    expect(errorFromResponse(503, undefined, null).code).toBe('service_unavailable');
    expect(errorFromResponse(418, 'teapot', null).code).toBe('request_failed');
    expect(errorFromResponse(400, { error: { code: 7 } }, null).code).toBe('request_failed');
  });
});
