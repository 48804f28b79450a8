import { useHttpServices } from '@chronopost/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Property: whatever is wrong with a POST /posts body, the answer is a 4xx naming where the
 * problem is, never a 5xx, and nothing is written. Each case takes a valid body and breaks it in
 * one known place, so the test knows which path the answer must name.
 */

type Body = Record<string, unknown>;
interface Case {
  body: Body | string;
  /** The answer must name this path (or one below it). */
  path: string;
}

const validItem = fc.record({
  // eslint-disable-next-line no-control-regex -- valid text has no control characters
  text: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim().length > 0 && !/[\u0000-\u001F\u007F-\u009F]/.test(text)),
});
const validBody = fc.record({
  items: fc.array(validItem, { minLength: 1, maxLength: 3 }),
  scheduledAt: fc.integer({ min: 2, max: 300 * 24 }).map((hours) => new Date(Date.now() + hours * 3600_000).toISOString()),
});

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const notAnArray = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }));
const longText = fc
  .constantFrom('a', 'é', '日', '👍🏽', '👨‍👩‍👧‍👦', 'e\u0301')
  .chain((unit) => fc.integer({ min: 301, max: 400 }).map((n) => unit.repeat(n)));
const badTime = fc.oneof(
  fc.string({ maxLength: 30 }).filter((text) => !/^\d{4}-\d{2}-\d{2}T/.test(text)),
  fc.constant('2027-01-01T10:00:00'),
  fc.integer({ min: 1, max: 10 ** 6 }).map((seconds) => new Date(Date.now() - seconds * 1000).toISOString()),
  fc.integer({ min: 367, max: 5000 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()),
  // (null is no mistake: it makes a draft)
  notAString.filter((value) => value !== null),
);

/** One way to break a valid body, and the path the answer must then name. */
const mutation: fc.Arbitrary<(body: Body) => Case> = fc.oneof(
  notAnArray.map((value) => (body: Body) => ({ body: { ...body, items: value }, path: 'items' })),
  fc.constant((body: Body) => ({ body: { ...body, items: [] }, path: 'items' })),
  fc
    .integer({ min: 26, max: 40 })
    .map((n) => (body: Body) => ({ body: { ...body, items: Array.from({ length: n }, () => ({ text: 'x' })) }, path: 'items' })),
  longText.map((text) => (body: Body) => ({ body: { ...body, items: [{ text }] }, path: 'items.0.text' })),
  notAString
    .filter((value) => value !== null)
    .map((text) => (body: Body) => ({ body: { ...body, items: [{ text }] }, path: 'items.0.text' })),
  fc
    .constantFrom('\u0000', '\u0007', '\u001b[31m', '\u0085', '\uD800')
    .map((control) => (body: Body) => ({ body: { ...body, items: [{ text: `a${control}b` }] }, path: 'items.0.text' })),
  fc
    .array(fc.constantFrom('en', 'fr', 'de', 'ja', 'pt-BR'), { minLength: 4, maxLength: 6 })
    .map((langs) => (body: Body) => ({ body: { ...body, items: [{ text: 'x', langs }] }, path: 'items.0.langs' })),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((tag) => {
      try {
        Intl.getCanonicalLocales(tag);
        return !/^[A-Za-z0-9-]{2,35}$/.test(tag);
      } catch {
        return true;
      }
    })
    .map((tag) => (body: Body) => ({ body: { ...body, items: [{ text: 'x', langs: [tag] }] }, path: 'items.0.langs' })),
  fc
    .string({ maxLength: 10 })
    .filter((label) => !['sexual', 'nudity', 'porn', 'graphic-media'].includes(label))
    .map((label) => (body: Body) => ({ body: { ...body, items: [{ text: 'x', labels: [label] }] }, path: 'items.0.labels' })),
  fc
    .oneof(
      fc.record({ type: fc.string({ maxLength: 8 }) }),
      fc.record({ type: fc.constant('images'), images: fc.array(fc.record({ mediaId: fc.string(), alt: fc.string() }), { maxLength: 6 }) }),
      fc.record({
        type: fc.constant('images'),
        images: fc.array(fc.record({ mediaId: fc.uuid(), alt: fc.constant('a'.repeat(2001)) }), { minLength: 1, maxLength: 2 }),
      }),
      fc.record({ type: fc.constant('quote'), uri: fc.oneof(fc.string(), fc.webUrl()) }),
      fc.record({ type: fc.constant('external'), uri: fc.string({ maxLength: 20 }) }),
    )
    .map((embed) => (body: Body) => ({ body: { ...body, items: [{ text: 'x', embed }] }, path: 'items.0.embed' })),
  badTime.map((scheduledAt) => (body: Body) => ({ body: { ...body, scheduledAt }, path: 'scheduledAt' })),
  fc
    .oneof(
      fc.record({ mode: fc.string({ maxLength: 8 }).filter((mode) => mode !== 'publish' && mode !== 'skip') }),
      fc.record({
        mode: fc.constant('skip'),
        graceSeconds: fc.oneof(fc.integer({ max: 59 }), fc.integer({ min: 86_401 }), fc.double({ noInteger: true })),
      }),
    )
    .map((latePolicy) => (body: Body) => ({ body: { ...body, latePolicy }, path: 'latePolicy' })),
  fc
    .oneof(
      fc.record({
        replyControl: fc.record({ mode: fc.string({ maxLength: 8 }).filter((mode) => !['everyone', 'nobody'].includes(mode)) }),
      }),
      fc.record({
        replyControl: fc.record({
          mode: fc.constant('limited'),
          allow: fc.array(
            fc.string({ maxLength: 8 }).filter((rule) => !['mentioned', 'following', 'followers'].includes(rule)),
            { maxLength: 3 },
          ),
        }),
      }),
      fc.record({ quoteControl: fc.record({ allowQuotes: notAString.filter((value) => typeof value !== 'boolean') }) }),
    )
    .map((options) => (body: Body) => ({ body: { ...body, options }, path: 'options' })),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !['items', 'scheduledAt', 'latePolicy', 'options', '__proto__'].includes(key))
    .map((key) => (body: Body) => ({ body: { ...body, [key]: 1 }, path: '' })),
  fc
    .oneof(fc.string({ maxLength: 20 }), fc.constant('{"items": ['), fc.constant('null'), fc.constant('[]'))
    .filter((text) => {
      try {
        const value = JSON.parse(text);
        return typeof value !== 'object' || value === null || Array.isArray(value);
      } catch {
        return true;
      }
    })
    .map((text) => () => ({ body: text, path: '' })),
);

describe('POST /posts with generated invalid bodies', () => {
  const rig = useHttpServices();
  let token: string;

  beforeAll(async () => {
    ({ token } = await rig.services.signUp());
  });

  it('answers 4xx naming the broken field, never 5xx, and writes nothing (1,200 cases)', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(validBody, mutation, async (valid, breakIt) => {
        const { body, path } = breakIt(valid);
        const response = await fetch(`${rig.services.url}/posts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const sent = typeof body === 'string' ? body : JSON.stringify(body).slice(0, 500);
        expect(response.status, sent).toBeGreaterThanOrEqual(400);
        expect(response.status, sent).toBeLessThan(500);
        const { error } = (await response.json()) as {
          error: { code: string; message: string; issues?: Array<{ path: string; code: string; message: string }> };
        };
        expect(error.message.length).toBeGreaterThan(0);
        if (path === '' && !error.issues) return; // malformed JSON: the whole body is the problem
        expect(error.issues?.length).toBeGreaterThan(0);
        for (const issue of error.issues!) expect(issue.message.length).toBeGreaterThan(0);
        const named = error.issues!.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || path === '');
        expect(named, `${JSON.stringify(error.issues)} should name ${path || 'the body'}`).toBe(true);
      }),
      { numRuns: 1200 },
    );
    const written = await rig.database.db.$client.query(
      'SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM post_items)::int AS items',
    );
    expect(written.rows[0]).toEqual({ posts: 0, items: 0 });
    expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
  }, 240_000);
});
