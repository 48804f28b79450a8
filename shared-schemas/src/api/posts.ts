import {
  canonicalLanguage,
  DEFAULT_LATE_GRACE_SECONDS,
  LATE_POLICIES,
  MAX_ALT_TEXT_LENGTH,
  MAX_IMAGES_PER_POST,
  MAX_POST_LANGUAGES,
  MAX_THREAD_ITEMS,
  normalizeText,
  parseScheduledTime,
  POST_STATUSES,
  SELF_LABELS,
  storableTextProblems,
  textProblems,
  VIDEO_PATHS,
} from '@chronopost/core';
import * as z from 'zod';

/**
 * The scheduling API's contract. The same schemas validate in the API and in the web app, so a
 * rule Bluesky enforces is caught while the user is still typing, not at 3 a.m.
 */

/**
 * An issue of our own rules: its catalogue code and params travel in `params`, and zod's message is
 * the code. Words are rendered at the edge from code and params (`toIssues` in lambda-kit, the web
 * app in the user's language), so these schemas do not carry the catalogue: the web app loads it
 * after its first screen.
 */
export const custom = (context: z.RefinementCtx, path: PropertyKey[], code: string, params: Record<string, unknown> = {}) =>
  context.addIssue({ code: 'custom', path, message: code, params: { ...params, code } });

/**
 * A string that may be stored: no control characters (PostgreSQL's jsonb refuses NUL) and no broken
 * Unicode. Every free-text field that reaches the database is one.
 */
export const storableString = () =>
  z.string().superRefine((value, context) => {
    for (const problem of storableTextProblems(value)) custom(context, [], problem.code, problem.params);
  });

/** A version as the database stores it (a 32-bit integer). */
export const versionSchema = z.int().positive().max(2_147_483_647);

/** An instant in the range every part of the system (JavaScript, PostgreSQL) reads alike. */
export const instantSchema = z.iso.datetime({ offset: true }).superRefine((value, context) => {
  const year = new Date(value).getUTCFullYear();
  if (!(year >= 1970 && year <= 9999)) custom(context, [], 'invalid_time', { hint: 'out_of_range' });
});

const POST_URI = /^at:\/\/([A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._:~-]{1,512})$/;
const BSKY_APP_POST = /^https:\/\/bsky\.app\/profile\/([A-Za-z0-9._:%-]+)\/post\/([A-Za-z0-9._:~-]{1,512})\/?$/;
const LIST_URI = /^at:\/\/([A-Za-z0-9._:%-]+)\/app\.bsky\.graph\.list\/([A-Za-z0-9._:~-]{1,512})$/;

const safeDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined; // a broken percent-escape
  }
};

/** A post to quote: its at:// URI, or its bsky.app address (turned into the at:// URI). */
export const postUriSchema = z
  .string()
  .trim()
  .transform((value, context) => {
    const at = POST_URI.exec(value);
    if (at) return value;
    const web = BSKY_APP_POST.exec(value);
    const authority = web ? safeDecode(web[1]!) : undefined;
    // The decoded handle or DID must still be one (no NUL, no slash smuggled in by an escape).
    if (web && authority && /^[A-Za-z0-9._:-]+$/.test(authority)) return `at://${authority}/app.bsky.feed.post/${web[2]}`;
    custom(context, [], 'invalid_post_uri');
    return z.NEVER;
  });

export const imageSchema = z
  .object({
    mediaId: z.uuid({ error: 'invalid_media_id' }),
    alt: storableString().max(MAX_ALT_TEXT_LENGTH).default(''),
  })
  .strict();

const images = z.array(imageSchema).min(1).max(MAX_IMAGES_PER_POST);

/** A video upload; `alt` defaults to the alt text stored with the upload. Captions come from the upload. */
export const videoEmbedSchema = z
  .object({
    type: z.literal('video'),
    mediaId: z.uuid({ error: 'invalid_media_id' }),
    alt: storableString().max(MAX_ALT_TEXT_LENGTH).optional(),
  })
  .strict();

export const embedSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('images'), images }).strict(),
  videoEmbedSchema,
  z
    .object({
      type: z.literal('external'),
      uri: z
        .url({ protocol: /^https?$/ })
        .max(2000)
        .superRefine((value, context) => {
          for (const problem of storableTextProblems(value)) custom(context, [], problem.code, problem.params);
        }),
      title: storableString().max(300).optional(),
      description: storableString().max(1000).optional(),
      thumbMediaId: z.uuid().optional(),
    })
    .strict(),
  z.object({ type: z.literal('quote'), uri: postUriSchema }).strict(),
  z.object({ type: z.literal('quoteWithImages'), uri: postUriSchema, images }).strict(),
]);
export type Embed = z.infer<typeof embedSchema>;

/** An embed as stored and returned (already normalised: no transform left to apply). */
export const storedEmbedSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('images'), images: z.array(z.object({ mediaId: z.uuid(), alt: z.string() })) }),
  z.object({ type: z.literal('video'), mediaId: z.uuid(), alt: z.string().optional() }),
  z.object({
    type: z.literal('external'),
    uri: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    thumbMediaId: z.uuid().optional(),
  }),
  z.object({ type: z.literal('quote'), uri: z.string() }),
  z.object({ type: z.literal('quoteWithImages'), uri: z.string(), images: z.array(z.object({ mediaId: z.uuid(), alt: z.string() })) }),
]);
export type StoredEmbed = z.infer<typeof storedEmbedSchema>;

const languages = z
  .array(z.string().max(64))
  .max(MAX_POST_LANGUAGES)
  .default([])
  .transform((tags, context) => {
    const canonical: string[] = [];
    tags.forEach((tag, index) => {
      const value = canonicalLanguage(tag);
      if (!value) custom(context, [index], 'invalid_language', { tag: tag.slice(0, 64) });
      else if (canonical.includes(value)) custom(context, [index], 'duplicate_language', { tag: value });
      else canonical.push(value);
    });
    return canonical;
  });
export const languagesSchema = languages;

const labels = z
  .array(z.enum(SELF_LABELS))
  .max(SELF_LABELS.length)
  .default([])
  .superRefine((values, context) => {
    if (new Set(values).size !== values.length) custom(context, [], 'duplicate_label');
  });

/** One post of a thread (or the only one). */
export const postItemInputSchema = z
  .object({
    text: z.string().max(20_000).default('').transform(normalizeText),
    langs: languages,
    labels,
    embed: embedSchema.optional(),
  })
  .strict()
  .superRefine((item, context) => {
    for (const problem of textProblems(item.text, { hasEmbed: item.embed !== undefined })) {
      custom(context, ['text'], problem.code, problem.params);
    }
  });
export type PostItemInput = z.infer<typeof postItemInputSchema>;

const replyRule = z.union([
  z.enum(['mentioned', 'following', 'followers']),
  z
    .object({
      list: z.string().superRefine((value, context) => {
        if (!LIST_URI.test(value)) custom(context, [], 'invalid_list_uri');
      }),
    })
    .strict(),
]);

/** Who may reply (Bluesky's threadgate) and whether others may quote (its postgate); root only. */
export const postOptionsSchema = z
  .object({
    replyControl: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('everyone') }).strict(),
        z.object({ mode: z.literal('nobody') }).strict(),
        z.object({ mode: z.literal('limited'), allow: z.array(replyRule).min(1).max(5) }).strict(),
      ])
      .default({ mode: 'everyone' }),
    quoteControl: z.object({ allowQuotes: z.boolean() }).strict().default({ allowQuotes: true }),
  })
  .strict();
export type PostOptions = z.infer<typeof postOptionsSchema>;

/** What to do if the post cannot go out on time (after an outage): publish anyway, or skip once this late. */
export const latePolicySchema = z
  .object({
    mode: z.enum(LATE_POLICIES),
    graceSeconds: z.int().min(60).max(86_400).default(DEFAULT_LATE_GRACE_SECONDS),
  })
  .strict();
export type LatePolicyInput = z.infer<typeof latePolicySchema>;

/** `2026-12-24T18:00:00+01:00`, `…Z`, or `2026-12-24T18:00:00[Europe/Paris]`; stored as UTC. */
export const scheduledTimeSchema = z.string().transform((value, context) => {
  const parsed = parseScheduledTime(value.trim());
  if (!parsed.ok) {
    custom(context, [], parsed.problem.code, parsed.problem.params);
    return z.NEVER;
  }
  return { at: parsed.instant, timeZone: parsed.timeZone ?? null };
});

const itemsSchema = z.array(postItemInputSchema).min(1).max(MAX_THREAD_ITEMS);

/** `POST /posts`: without `scheduledAt` it is a draft. */
export const createPostSchema = z
  .object({
    items: itemsSchema,
    scheduledAt: scheduledTimeSchema.nullable().optional(),
    latePolicy: latePolicySchema.default({ mode: 'skip', graceSeconds: DEFAULT_LATE_GRACE_SECONDS }),
    options: postOptionsSchema.default({ replyControl: { mode: 'everyone' }, quoteControl: { allowQuotes: true } }),
  })
  .strict();
export type CreatePostInput = z.input<typeof createPostSchema>;
export type CreatePost = z.output<typeof createPostSchema>;

/** `PATCH /posts/{id}`: any of the fields; `scheduledAt: null` turns a scheduled post back into a draft. */
export const updatePostSchema = z
  .object({
    items: itemsSchema.optional(),
    scheduledAt: scheduledTimeSchema.nullable().optional(),
    latePolicy: latePolicySchema.optional(),
    options: postOptionsSchema.optional(),
    /** Instead of an If-Match header. */
    version: versionSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (!Object.keys(body).some((key) => key !== 'version')) custom(context, [], 'nothing_to_change');
  });
export type UpdatePost = z.output<typeof updatePostSchema>;

/** `POST /posts/{id}/schedule` for a draft, `POST /posts/{id}/retry` for a failed, missed or blocked post. */
export const schedulePostSchema = z
  .object({ scheduledAt: scheduledTimeSchema, latePolicy: latePolicySchema.optional(), version: versionSchema.optional() })
  .strict();
export const retryPostSchema = z.object({ scheduledAt: scheduledTimeSchema.optional(), version: versionSchema.optional() }).strict();
/** `POST /posts/{id}/unschedule`: back to a draft (its time and record keys are dropped). */
export const unschedulePostSchema = z.object({ version: versionSchema.optional() }).strict();

export const postStatusSchema = z.enum(POST_STATUSES);

/** A detected link, mention or hashtag, by UTF-8 byte range (mentions hold the handle until publication). */
export const facetSchema = z.object({
  byteStart: z.int().nonnegative(),
  byteEnd: z.int().positive(),
  type: z.enum(['mention', 'link', 'tag']),
  value: z.string(),
});
export type Facet = z.infer<typeof facetSchema>;

export const postItemSchema = z.object({
  position: z.int().nonnegative(),
  text: z.string(),
  langs: z.array(z.string()),
  labels: z.array(z.enum(SELF_LABELS)),
  embed: storedEmbedSchema.nullable(),
  facets: z.array(facetSchema),
  rkey: z.string().nullable(),
  uri: z.string().nullable(),
  cid: z.string().nullable(),
});

export const postSchema = z.object({
  id: z.uuid(),
  status: postStatusSchema,
  scheduledAt: z.iso.datetime().nullable(),
  timeZone: z.string().nullable(),
  latePolicy: latePolicySchema,
  options: postOptionsSchema,
  items: z.array(postItemSchema),
  attempts: z.int(),
  /** Why the last attempt did not publish, or why the post is held: `code` and `params` from the message catalogue, `message` in English. */
  lastError: z
    .object({ class: z.string().nullable(), code: z.string(), params: z.record(z.string(), z.unknown()), message: z.string() })
    .nullable(),
  version: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
});
export type Post = z.infer<typeof postSchema>;

export const warningSchema = z.object({
  path: z.string(),
  code: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
  message: z.string(),
});
/** A created or edited post, with what might still go wrong at publication. */
export const postResponseSchema = postSchema.extend({ warnings: z.array(warningSchema) });

export const listPostsQuerySchema = z
  .object({
    status: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(postStatusSchema).min(1))
      .optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    order: z.enum(['asc', 'desc']).default('asc'),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type ListPostsQuery = z.output<typeof listPostsQuerySchema>;

export const listPostsResponseSchema = z.object({ posts: z.array(postSchema), nextCursor: z.string().nullable() });
export type ListPostsResponse = z.infer<typeof listPostsResponseSchema>;

export const publishAttemptSchema = z.object({
  attempt: z.int(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  outcome: z.string().nullable(),
  errorClass: z.string().nullable(),
  /** Why the attempt ended so (catalogue code and params; message in English). */
  code: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).nullable(),
  message: z.string().nullable(),
  latencyMs: z.int().nullable(),
  /** For a post with a video: how it reached the PDS (`video_service` or `direct`). */
  videoPath: z.enum(VIDEO_PATHS).nullable(),
});
export type PublishAttempt = z.infer<typeof publishAttemptSchema>;
export const listAttemptsResponseSchema = z.object({ attempts: z.array(publishAttemptSchema) });
export type ListAttemptsResponse = z.infer<typeof listAttemptsResponseSchema>;
