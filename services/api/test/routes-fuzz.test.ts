import { notify } from '@chronopost/db';
import {
  accountSettingsSchema,
  createMediaResponseSchema,
  createMediaSchema,
  createPostSchema,
  HTTP_ROUTES,
  IMAGE_TYPES,
  MAX_IMAGE_UPLOAD_BYTES,
  postSchema,
  retryPostSchema,
  schedulePostSchema,
  SELF_LABELS,
  unschedulePostSchema,
  updatePostSchema,
} from '@chronopost/shared-schemas';
import type * as z from 'zod';
import { type HttpServices, useHttpServices } from '@chronopost/testing';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi';

/**
 * Property, for every HTTP route (api and oauth): whatever the path parameters, query, body,
 * cookies and conditional headers, the answer is never a 5xx; every 4xx of ours has a stable code
 * and names where the problem is; every status an api route answers is one its OpenAPI document
 * lists; and a refused write changes nothing in the database. API Gateway's own answers (a path
 * it cannot decode, an unknown route) keep API Gateway's shape.
 */

/**
 * Runs per route. The issue's bar is 2,000 (`FUZZ_RUNS=2000`, about 16 minutes on a loaded 2-core
 * machine for every route): CI runs that count in its own job (`fuzz` in ci.yml). Everyone's
 * `pnpm test` runs 80 per route: this file then takes about 35 s there.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
/** Where to write a tally of the answers (per route: runs, statuses, each 4xx's code and paths), for a report. */
const REPORT = process.env.FUZZ_REPORT;

const escapes = fc.constantFrom('%E0%A4%A', '%', '%ZZ', '%00', '%2F', '%C0%AF', '%uD800', '%F0%9F%98');
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), escapes, fc.constant('\u0000'));
const year0 = fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '275760-09-13T00:00:00Z', '1970-01-01T00:00:00Z');
const bigNumber = fc.oneof(fc.constantFrom(2 ** 31, 2 ** 53, -1, 0, 1e308, -0), fc.integer(), fc.double());
const value = fc.oneof(text, year0, bigNumber.map(String), fc.uuid(), fc.constant(''));
/** What HTTP can carry in a header (a cookie, If-Match): visible ASCII, percent-escapes included. */
const headerValue = fc.oneof(escapes, fc.stringMatching(/^[\x21-\x7e]{0,40}$/), year0, bigNumber.map(String), fc.uuid());

/** Bodies: JSON of any shape, near-valid post bodies with one odd field, and text that is not JSON. */
const nearPost = fc.record(
  {
    items: fc.oneof(
      fc.array(fc.record({ text: fc.oneof(text, fc.string()), embed: fc.option(fc.anything({ maxDepth: 2 })) }, { requiredKeys: [] }), {
        maxLength: 3,
      }),
      fc.anything({ maxDepth: 1 }),
    ),
    scheduledAt: fc.oneof(year0, text, fc.constant(null)),
    version: bigNumber,
    latePolicy: fc.anything({ maxDepth: 1 }),
    options: fc.anything({ maxDepth: 2 }),
    timeZone: text,
    languages: fc.array(text, { maxLength: 4 }),
    identifier: fc.oneof(text, fc.constant('http://127.0.0.1:1'), fc.constant('alice.test')),
    returnTo: text,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  nearPost.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 60 }),
  fc.constant(undefined),
);
const cookie = fc.option(
  fc.tuple(fc.constantFrom('chronopost_refresh', 'chronopost_login', 'x'), headerValue).map(([name, content]) => `${name}=${content}`),
);

/**
 * Valid bodies, so the 2xx paths are fuzzed too (writes happen, and none answers a 5xx): each is
 * checked against the route's own schema before it is sent, and each route below must have been
 * answered 2xx at least once. Posts are scheduled at least two minutes ahead.
 */
const future = fc
  .integer({ min: 120, max: 60 * 86_400 })
  .chain((seconds) => fc.constantFrom('Z', '+09:00', '-05:30').map((offset) => ({ seconds, offset })))
  .map(({ seconds, offset }) => {
    const at = new Date(Date.now() + seconds * 1000);
    if (offset === 'Z') return at.toISOString();
    const sign = offset.startsWith('-') ? -1 : 1;
    const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    return `${new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 19)}${offset}`;
  });
const validItem = fc.record(
  {
    text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }).filter((text) => text.trim().length > 0),
    langs: fc.subarray(['en', 'ja', 'pt-BR', 'fr']),
    labels: fc.subarray([...SELF_LABELS]),
  },
  { requiredKeys: ['text'] },
);
const validLatePolicy = fc.record(
  { mode: fc.constantFrom('skip', 'publish'), graceSeconds: fc.integer({ min: 60, max: 86_400 }) },
  { requiredKeys: ['mode'] },
);
const validReplyControl = fc.oneof(
  fc.constant({ mode: 'everyone' }),
  fc.constant({ mode: 'nobody' }),
  fc.subarray(['mentioned', 'following', 'followers'], { minLength: 1 }).map((allow) => ({ mode: 'limited', allow })),
);
const validOptions = fc.record(
  { replyControl: validReplyControl, quoteControl: fc.record({ allowQuotes: fc.boolean() }) },
  { requiredKeys: [] },
);
const validItems = fc.array(validItem, { minLength: 1, maxLength: 3 });
/** What the post a valid command is sent to must be first, so that the command can succeed. */
type Target = 'draft' | 'scheduled' | 'failed';
const valid = <T>(schema: z.ZodType, arbitrary: fc.Arbitrary<T>, target?: Target) =>
  arbitrary.filter((candidate) => schema.safeParse(candidate).success).map((body) => ({ valid: true as const, body, target }));
const VALID_BODIES: Record<string, fc.Arbitrary<{ valid: true; body: unknown; target: Target | undefined }>> = {
  'POST /posts': valid(
    createPostSchema,
    fc.record({ items: validItems, scheduledAt: future, latePolicy: validLatePolicy, options: validOptions }, { requiredKeys: ['items'] }),
  ),
  'PATCH /posts/{id}': valid(
    updatePostSchema,
    fc.record(
      { items: validItems, scheduledAt: fc.option(future, { nil: null }), latePolicy: validLatePolicy, options: validOptions },
      { requiredKeys: ['items'] },
    ),
    'draft',
  ),
  'POST /posts/{id}/schedule': valid(
    schedulePostSchema,
    fc.record({ scheduledAt: future, latePolicy: validLatePolicy }, { requiredKeys: ['scheduledAt'] }),
    'draft',
  ),
  'POST /posts/{id}/unschedule': valid(unschedulePostSchema, fc.constant({}), 'scheduled'),
  'POST /posts/{id}/retry': valid(retryPostSchema, fc.record({ scheduledAt: future }, { requiredKeys: [] }), 'failed'),
  'POST /media': valid(
    createMediaSchema,
    fc.record({
      kind: fc.constant('image'),
      type: fc.constantFrom(...IMAGE_TYPES),
      size: fc.integer({ min: 1, max: MAX_IMAGE_UPLOAD_BYTES }),
      alt: fc.string({ maxLength: 100 }),
    }),
  ),
  'PUT /settings': valid(
    accountSettingsSchema,
    fc.record(
      {
        timeZone: fc.constantFrom('UTC', 'Asia/Tokyo', 'Europe/Paris', 'America/Sao_Paulo'),
        languages: fc.subarray(['en', 'ja', 'de']),
        replyControl: validReplyControl,
        quoteControl: fc.record({ allowQuotes: fc.boolean() }),
        latePolicy: validLatePolicy,
      },
      { requiredKeys: [] },
    ),
  ),
  // A link card needs a public page, and there is no internet here; login goes on to the PDS, and
  // refresh and logout need a live refresh cookie: their 2xx paths are tested in their own files.
};

type ErrorBody = { error?: { code?: string; issues?: Array<{ path?: string; code?: string }> }; message?: string };

describe('every HTTP route with generated input', () => {
  // The full count runs longer than an access token lives (15 min): at 2,000 runs the token of
  // beforeAll expired mid-run and every later route got the gateway's 401. A day-long token here.
  const rig = useHttpServices({ env: { APP_ACCESS_TOKEN_TTL_SECONDS: String(24 * 3600) } });
  let user: Awaited<ReturnType<HttpServices['signUp']>>;
  const known: string[] = [];

  beforeAll(async () => {
    user = await rig.services.signUp();
    const created = await fetch(`${rig.services.url}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ text: 'fuzz target' }] }),
    });
    known.push(postSchema.parse(await created.json()).id);
    const upload = await fetch(`${rig.services.url}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'image', type: 'image/png', size: 1000 }),
    });
    known.push(createMediaResponseSchema.parse(await upload.json()).media.id);
    await notify(rig.database.db, { ownerDid: user.did, kind: 'posts_resumed', details: { resumed: 1, missed: 0 }, dedupeKey: 'fuzz' });
    const { rows } = await rig.database.db.$client.query('SELECT id FROM notifications');
    known.push(rows[0].id);
  });

  /** A new post of the caller in this status. */
  const postIn = async (status: Target) => {
    const response = await fetch(`${rig.services.url}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [{ text: `a ${status} post` }],
        ...(status === 'draft' ? {} : { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }),
      }),
    });
    const id = postSchema.parse(await response.json()).id;
    // Failing is the publisher's doing; here the row is put in that state as it would leave it.
    if (status === 'failed')
      await rig.database.db.$client.query(`UPDATE posts SET status = 'failed', version = version + 1 WHERE id = $1`, [id]);
    return id;
  };

  /** What a refused request must leave as it was. */
  const fingerprint = async () =>
    (
      await rig.database.db.$client.query(`SELECT
        (SELECT count(*) FROM posts)::int AS posts, (SELECT coalesce(sum(version), 0) FROM posts)::int AS versions,
        (SELECT count(*) FROM post_items)::int AS items, (SELECT count(*) FROM notifications)::int AS notifications,
        (SELECT count(*) FROM notifications WHERE read_at IS NOT NULL OR dismissed_at IS NOT NULL)::int AS seen,
        (SELECT count(*) FROM account_settings)::int AS settings, (SELECT count(*) FROM media)::int AS media,
        (SELECT count(*) FROM link_previews)::int AS previews, (SELECT count(*) FROM app_refresh_tokens)::int AS refresh_tokens,
        (SELECT count(*) FROM app_refresh_tokens WHERE revoked_at IS NOT NULL)::int AS revoked, (SELECT count(*) FROM accounts)::int AS accounts`)
    ).rows[0];

  /** route → answers: `status`, or `status code path:code…` (its issues) for a 4xx of ours; counts; and rows changed by refusals. */
  const tally: Record<string, { runs: number; answers: Record<string, number>; refusedWrites: number }> = {};
  afterAll(() => {
    if (REPORT) writeFileSync(REPORT, JSON.stringify({ runsPerRoute: RUNS, routes: tally }, null, 2));
  });

  const routes = HTTP_ROUTES.filter((route) => route.path !== '/openapi.json');
  const openApi = buildOpenApiDocument();
  /** The statuses the api's OpenAPI document gives a route (the oauth service's routes have no document). */
  const documented = (route: (typeof routes)[number]) =>
    route.service === 'api'
      ? Object.keys((openApi.paths?.[route.path] as Record<string, { responses: object }>)[route.method.toLowerCase()]!.responses)
      : undefined;

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: no 5xx, every 4xx named and coded, refused writes change nothing',
    async (_, route) => {
      const param = fc.oneof(fc.constantFrom(...known), fc.uuid(), value);
      /** A caption route's `{lang}`: real tags and anything else. */
      const lang = fc.oneof(fc.constantFrom('ja', 'en', 'pt-BR', 'zh-Hant-TW'), value);
      const validBody = VALID_BODIES[_];
      // One run in four sends a valid body where the route has them; the others, anything.
      const input = validBody ? fc.oneof({ weight: 3, arbitrary: body }, { weight: 1, arbitrary: validBody }) : body;
      await fc.assert(
        fc.asyncProperty(
          param,
          lang,
          fc.dictionary(fc.constantFrom('limit', 'cursor', 'from', 'to', 'status', 'order', 'dismissed', 'state', 'code', 'zz'), value, {
            maxKeys: 3,
          }),
          input,
          cookie,
          fc.record(
            { 'if-match': headerValue, 'if-none-match': headerValue, origin: fc.constantFrom('http://evil.example', 'null') },
            { requiredKeys: [] },
          ),
          async (id, language, query, generated, cookieHeader, headers) => {
            const payload = typeof generated === 'object' ? JSON.stringify(generated.body) : generated;
            if (typeof generated === 'object') {
              // A valid command goes to a post it can apply to, at its current version, with no other query or header.
              query = {};
              headers = {};
              if (generated.target) {
                id = await postIn(generated.target);
                const version = (await rig.database.db.$client.query('SELECT version FROM posts WHERE id = $1', [id])).rows[0]
                  .version as number;
                headers = { 'if-match': `"${version}"` };
              }
            }
            const path = route.path.replace('{id}', id).replace('{lang}', language);
            const search = new URLSearchParams(query).toString();
            const write = route.method !== 'GET';
            const before = write ? await fingerprint() : undefined;
            const response = await fetch(`${rig.services.url}${path}${search ? `?${search}` : ''}`, {
              method: route.method,
              redirect: 'manual',
              headers: {
                ...(route.auth === 'jwt' ? { authorization: `Bearer ${user.token}` } : {}),
                ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
                ...(cookieHeader ? { cookie: cookieHeader } : {}),
                ...headers,
              },
              ...(payload !== undefined && route.method !== 'GET' ? { body: payload } : {}),
            });
            const sent = `${route.method} ${path}?${search} ${String(payload).slice(0, 200)} ${cookieHeader ?? ''}`;
            const counts = (tally[_] ??= { runs: 0, answers: {}, refusedWrites: 0 });
            counts.runs += 1;
            const count = (key: string) => (counts.answers[key] = (counts.answers[key] ?? 0) + 1);
            if (response.status < 400 || response.status >= 500) count(String(response.status));
            expect(response.status, sent).toBeLessThan(500);
            const statuses = documented(route);
            if (response.status < 400) {
              if (statuses)
                expect(statuses, `${sent}: ${response.status} is not in the OpenAPI document`).toContain(String(response.status));
              return;
            }
            const answer = (await response.json().catch(() => ({}))) as ErrorBody;
            // Ours (not API Gateway's own answers, which come before any route): documented.
            if (statuses && answer.error)
              expect(statuses, `${sent}: ${response.status} is not in the OpenAPI document`).toContain(String(response.status));
            count(
              answer.error
                ? `${response.status} ${answer.error.code} ${[...new Set(answer.error.issues?.map((issue) => `${issue.path}:${issue.code}`))].sort().join(' ')}`
                : `${response.status} gateway: ${answer.message}`,
            );
            if (answer.error) {
              expect(answer.error.code, sent).toMatch(/^[a-z_]+$/);
              expect(answer.error.issues?.length, sent).toBeGreaterThan(0);
              for (const issue of answer.error.issues!) {
                expect(issue.path, sent).toBeTruthy();
                expect(issue.code, sent).toMatch(/^[a-z_]+$/);
              }
            } else {
              // API Gateway's own answers, before any function runs.
              expect([400, 404, 413], sent).toContain(response.status);
              expect(answer.message, sent).toMatch(/^(Bad Request|Not Found|Request Entity Too Large)$/);
            }
            if (before) {
              const after = await fingerprint();
              if (JSON.stringify(after) !== JSON.stringify(before)) counts.refusedWrites += 1;
              expect(after, sent).toEqual(before);
            }
          },
        ),
        { numRuns: RUNS },
      );
      // The valid bodies really are: the route answered 2xx to some (at the default count, about twenty each).
      if (validBody && RUNS >= 40) {
        const succeeded = Object.entries(tally[_]!.answers).filter(([answer]) => /^2\d\d$/.test(answer));
        expect(succeeded, JSON.stringify(tally[_]!.answers)).not.toEqual([]);
      }
    },
    1_800_000,
  );
});
