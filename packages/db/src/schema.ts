import {
  ATTEMPT_OUTCOMES,
  DUE_STATUSES,
  IN_FLIGHT_STATUSES,
  LATE_POLICIES,
  LIVE_SESSION_STATES,
  MEDIA_KINDS,
  MEDIA_NOTES,
  MEDIA_REJECTIONS,
  MEDIA_STATES,
  POST_STATUSES,
  PUBLISH_ERROR_CLASSES,
  SESSION_STATES,
  UNTIMED_STATUSES,
  type MediaState,
  VIDEO_PATHS,
  VIDEO_UPLOAD_FAILURES,
  VIDEO_UPLOAD_STATES,
  type VideoUploadState,
} from '@chronopost/core';
import { NOTIFICATION_CODES } from '@chronopost/shared-schemas';
import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Tables are declared without a schema: the connection's `search_path` (from DB_SCHEMA) decides
 * where they live, so one set of migrations serves production (`public`) and every PR preview.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();
const updatedAt = () => tstz('updated_at').notNull().defaultNow();
/** `column IN ('a', 'b')` from one of the vocabularies in packages/core: the only way SQL names a set of them. */
export const inList = (column: string, values: readonly string[]) =>
  `${column} IN (${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ')})`;
const oneOf = (column: string, values: readonly string[]) => sql.raw(inList(column, values));
const nullOrOneOf = (column: string, values: readonly string[]) => sql.raw(`${column} IS NULL OR ${inList(column, values)}`);

export const accounts = pgTable('accounts', {
  did: text('did').primaryKey(),
  handle: text('handle').notNull(),
  pdsUrl: text('pds_url').notNull(),
  displayName: text('display_name'),
  avatarUrl: text('avatar_url'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One OAuth session per account. The session itself is only ever stored encrypted (packages/vault). */
export const oauthSessions = pgTable(
  'oauth_sessions',
  {
    did: text('did')
      .primaryKey()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    state: text('state', { enum: SESSION_STATES }).notNull().default('active'),
    /** AES-256-GCM ciphertext of the saved session (token set and DPoP key); wiped when it ends. */
    ciphertext: bytea('ciphertext'),
    /** The data key, encrypted by KMS (or the local master key). */
    encryptedDataKey: bytea('encrypted_data_key'),
    keyId: text('key_id'),
    /** The OAuth client the session belongs to: refresh tokens only work for it. */
    clientId: text('client_id').notNull(),
    accessExpiresAt: tstz('access_expires_at'),
    lastRefreshAt: tstz('last_refresh_at'),
    lastUsedAt: tstz('last_used_at'),
    endedAt: tstz('ended_at'),
    /** Why the session ended: a code of the message catalogue (no token material). */
    endReason: text('end_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('oauth_sessions_state_check', oneOf('state', SESSION_STATES)),
    check(
      'oauth_sessions_secret_check',
      sql.raw(
        `NOT (${inList('state', LIVE_SESSION_STATES)}) OR (ciphertext IS NOT NULL AND encrypted_data_key IS NOT NULL AND key_id IS NOT NULL)`,
      ),
    ),
    index('oauth_sessions_access_expiry_idx').on(t.accessExpiresAt).where(oneOf('state', LIVE_SESSION_STATES)),
  ],
);

/** The schedulable unit: a single post or a whole thread (its records are `post_items`). */
export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerDid: text('owner_did')
      .notNull()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    status: text('status', { enum: POST_STATUSES }).notNull().default('draft'),
    /** Null for drafts. */
    scheduledAt: tstz('scheduled_at'),
    /**
     * When the dispatcher should next look at the post: `scheduled_at` once scheduled, the retry
     * time while retrying. One column lets one partial index serve both due states.
     */
    nextAttemptAt: tstz('next_attempt_at'),
    /** The zone the author gave the time in, to show it back to them; null when given as an offset. */
    timeZone: text('time_zone'),
    /** The TID clock id of this post's record keys (see core/record-keys). */
    clockId: smallint('clock_id').notNull().default(0),
    latePolicy: text('late_policy', { enum: LATE_POLICIES }).notNull().default('skip'),
    lateGraceSeconds: integer('late_grace_seconds').notNull().default(900),
    /** Root-only options: threadgate and postgate settings. */
    options: jsonb('options').notNull().default({}),
    attempts: integer('attempts').notNull().default(0),
    /**
     * While `publishing`: until when the publisher that claimed the post may still be working on
     * it (its Lambda's remaining time, plus a margin). Past it, the holder is certainly gone and
     * another delivery may take the post over.
     */
    leaseExpiresAt: tstz('lease_expires_at'),
    /** Why the last attempt did not publish (or why the post is held): a catalogue code and its params. */
    lastErrorCode: text('last_error_code'),
    lastErrorParams: jsonb('last_error_params'),
    lastErrorClass: text('last_error_class'),
    /** Optimistic concurrency for edits (`If-Match`). */
    version: integer('version').notNull().default(1),
    publishedAt: tstz('published_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('posts_status_check', oneOf('status', POST_STATUSES)),
    check('posts_late_policy_check', oneOf('late_policy', LATE_POLICIES)),
    // Only a draft (or a draft that was cancelled) may have no time.
    check('posts_scheduled_at_check', sql.raw(`${inList('status', UNTIMED_STATUSES)} OR scheduled_at IS NOT NULL`)),
    check('posts_last_error_class_check', nullOrOneOf('last_error_class', PUBLISH_ERROR_CLASSES)),
    check('posts_attempts_check', sql.raw('attempts >= 0')),
    // The dispatcher's index: one tick is an index range scan over what is due, however many wait.
    index('posts_due_idx').on(t.nextAttemptAt).where(oneOf('status', DUE_STATUSES)),
    // The reaper's index: work in flight, oldest first.
    index('posts_in_flight_idx').on(t.updatedAt).where(oneOf('status', IN_FLIGHT_STATUSES)),
    // Listing a user's posts by time with keyset pagination.
    index('posts_owner_scheduled_idx').on(t.ownerDid, t.scheduledAt, t.id),
  ],
);

/** The records of a post in order; index 0 is the root of a thread. */
export const postItems = pgTable(
  'post_items',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    /** The post's owner, repeated here so record keys can be unique per repository. */
    ownerDid: text('owner_did').notNull(),
    position: smallint('position').notNull(),
    text: text('text').notNull().default(''),
    facets: jsonb('facets'),
    embed: jsonb('embed'),
    langs: text('langs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** TID fixed before the first attempt, so every retry writes the same record. */
    rkey: text('rkey'),
    uri: text('uri'),
    cid: text('cid'),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.position] }),
    check('post_items_position_check', sql.raw('position >= 0')),
    // Two posts of one account must never share a record key: a retry would take the other's
    // record for its own. Keys only need to be unique within a repository (an account), so
    // accounts do not compete for the 1,024 clock ids of a microsecond.
    uniqueIndex('post_items_owner_rkey_idx').on(t.ownerDid, t.rkey).where(sql.raw('rkey IS NOT NULL')),
  ],
);

/**
 * Uploads (images and videos). The original lives at `s3_key` as uploaded; the media Lambda
 * stores the processed image at `processed_key` (a checked video: the original's key) and records
 * what the publisher needs.
 */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerDid: text('owner_did')
      .notNull()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MEDIA_KINDS }).notNull().default('image'),
    /** The original upload. */
    s3Key: text('s3_key').notNull(),
    state: text('state', { enum: MEDIA_STATES }).notNull().default('uploading'),
    /** The type and size the client declared (the upload form holds S3 to them). */
    declaredMime: text('declared_mime'),
    declaredBytes: integer('declared_bytes'),
    /** The processed image: its key, type, size and dimensions (the publisher's aspectRatio). */
    processedKey: text('processed_key'),
    mime: text('mime'),
    bytes: integer('bytes'),
    width: integer('width'),
    height: integer('height'),
    alt: text('alt').notNull().default(''),
    /** A video's length and the sample-entry code of its video track (`avc1`, `hvc1`, …). */
    durationMs: integer('duration_ms'),
    codec: text('codec'),
    /** A video's captions, one WebVTT text per language (each ≤ 20,000 bytes, at most 20). */
    captions: jsonb('captions').$type<Array<{ lang: string; vtt: string }>>().notNull().default([]),
    /** Why it was rejected (set exactly when `rejected`): a code of MEDIA_REJECTIONS (core) and its params, from the message catalogue. */
    reasonCode: text('reason_code'),
    reasonParams: jsonb('reason_params').$type<Record<string, unknown>>(),
    /** What processing noticed and the user should know: codes of MEDIA_NOTES (e.g. `gif_first_frame`). */
    notes: text('notes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** While `processing`: when the media Lambda started, so a crashed run can be taken over. */
    processingStartedAt: tstz('processing_started_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('media_state_check', oneOf('state', MEDIA_STATES)),
    check('media_kind_check', oneOf('kind', MEDIA_KINDS)),
    check('media_reason_code_check', nullOrOneOf('reason_code', MEDIA_REJECTIONS)),
    // A rejected upload always says why, and only a rejected one has a reason.
    check('media_rejected_reason_check', sql.raw(`(${inList('state', ['rejected'] satisfies MediaState[])}) = (reason_code IS NOT NULL)`)),
    check('media_notes_check', sql.raw(`notes <@ ARRAY[${MEDIA_NOTES.map((note) => `'${note}'`).join(', ')}]::text[]`)),
    uniqueIndex('media_s3_key_idx').on(t.s3Key),
    index('media_owner_idx').on(t.ownerDid, t.createdAt),
  ],
);

/**
 * Link-card previews, kept a while per owner and address, so typing a link again does not fetch
 * the page again. The thumbnail is the owner's own upload (deleted with it).
 */
export const linkPreviews = pgTable(
  'link_previews',
  {
    ownerDid: text('owner_did')
      .notNull()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    thumbMediaId: uuid('thumb_media_id').references(() => media.id, { onDelete: 'set null' }),
    fetchedAt: tstz('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerDid, t.url] })],
);

/**
 * A video's way to its account's PDS, kept across attempts: which path it took, the video
 * service's job while it runs, and the blob once the PDS has it. `started_at` is the uploader's
 * lease: a run that started long ago died, and another may take over.
 */
export const videoUploads = pgTable(
  'video_uploads',
  {
    mediaId: uuid('media_id')
      .primaryKey()
      .references(() => media.id, { onDelete: 'cascade' }),
    path: text('path', { enum: VIDEO_PATHS }).notNull(),
    state: text('state', { enum: VIDEO_UPLOAD_STATES }).notNull(),
    jobId: text('job_id'),
    /** The blob as the PDS (or the video service) returned it. */
    blob: jsonb('blob').$type<{ $type: 'blob'; ref: { $link: string }; mimeType: string; size: number }>(),
    /** Why it failed (set exactly when `failed`): a code of VIDEO_UPLOAD_FAILURES (core) and its params. */
    reasonCode: text('reason_code', { enum: VIDEO_UPLOAD_FAILURES }),
    reasonParams: jsonb('reason_params').$type<Record<string, unknown>>(),
    startedAt: tstz('started_at').notNull(),
    updatedAt: updatedAt(),
  },
  () => [
    check('video_uploads_path_check', oneOf('path', VIDEO_PATHS)),
    check('video_uploads_state_check', oneOf('state', VIDEO_UPLOAD_STATES)),
    check('video_uploads_reason_code_check', nullOrOneOf('reason_code', VIDEO_UPLOAD_FAILURES)),
    check(
      'video_uploads_failed_reason_check',
      sql.raw(`(${inList('state', ['failed'] satisfies VideoUploadState[])}) = (reason_code IS NOT NULL)`),
    ),
  ],
);

/** One row per publish attempt: the audit trail behind every status the user sees. */
export const publishAttempts = pgTable(
  'publish_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    outcome: text('outcome', { enum: ATTEMPT_OUTCOMES }),
    errorClass: text('error_class'),
    /** Why the attempt ended so: a catalogue code and its params. */
    reasonCode: text('reason_code'),
    reasonParams: jsonb('reason_params'),
    latencyMs: integer('latency_ms'),
    /** For a post with a video: the path it took to the PDS (`video_service` or `direct`). */
    videoPath: text('video_path', { enum: VIDEO_PATHS }),
    /**
     * When the write request left for the PDS (none if the attempt ended before writing): due → this
     * is our own lateness, this → the post's `published_at` the PDS's (`pnpm bench lateness`).
     */
    writeSentAt: tstz('write_sent_at'),
  },
  (t) => [
    index('publish_attempts_post_idx').on(t.postId, t.startedAt),
    check('publish_attempts_outcome_check', nullOrOneOf('outcome', ATTEMPT_OUTCOMES)),
    check('publish_attempts_error_class_check', nullOrOneOf('error_class', PUBLISH_ERROR_CLASSES)),
  ],
);

/**
 * The app's own refresh tokens (the HttpOnly cookie), stored only as SHA-256 hashes. Every use
 * rotates the token within its family; presenting a used one again revokes the whole family.
 */
export const appRefreshTokens = pgTable(
  'app_refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id').notNull(),
    did: text('did')
      .notNull()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    tokenHash: bytea('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    uniqueIndex('app_refresh_tokens_hash_idx').on(t.tokenHash),
    index('app_refresh_tokens_family_idx').on(t.familyId),
    index('app_refresh_tokens_did_idx').on(t.did),
  ],
);

/** The notification codes of the message catalogue. */
export const NOTIFICATION_KINDS = NOTIFICATION_CODES;

/** What the user must hear about without asking (`GET /notifications`, and the latest in `GET /me`). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerDid: text('owner_did')
      .notNull()
      .references(() => accounts.did, { onDelete: 'cascade' }),
    /** The catalogue code; `details` are its params. Rendered in the user's language at the edge. */
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    details: jsonb('details').notNull().default({}),
    readAt: tstz('read_at'),
    dismissedAt: tstz('dismissed_at'),
    /** One notification per event, however many processes notice it (e.g. `session_ended:<ended_at>`). */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('notifications_kind_check', oneOf('kind', NOTIFICATION_KINDS)),
    uniqueIndex('notifications_owner_dedupe_idx').on(t.ownerDid, t.dedupeKey),
    index('notifications_owner_created_idx').on(t.ownerDid, t.createdAt),
  ],
);

/** Each account's defaults for new posts (the web app's settings page); absent until first saved. */
export const accountSettings = pgTable('account_settings', {
  did: text('did')
    .primaryKey()
    .references(() => accounts.did, { onDelete: 'cascade' }),
  /** Validated by shared-schemas' accountSettingsSchema on every write, and read through it. */
  settings: jsonb('settings').notNull(),
  updatedAt: updatedAt(),
});
