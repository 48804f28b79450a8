import { MAX_IMAGES_PER_POST, MAX_THREAD_ITEMS } from './thread';

/**
 * Timing of dispatch and publication. The dispatcher runs once a minute (EventBridge promises
 * only that), so it queues everything due before its next run plus a margin, each message
 * delayed to arrive shortly before its post is due; the publisher prepares (session, mentions,
 * quotes, blobs) and waits out the rest, so the write itself lands on the second.
 */

/**
 * A tick queues what falls due before now + this: two ticks (120 s) plus a late-tick margin. Two,
 * not one: at the top of the hour tens of thousands of posts fall due in the same minute, and
 * with one tick of look-ahead the tick at 09:00:00 would have seconds to queue what is due at
 * 09:00:05. With two, the tick at 08:59:00 already queues the whole 09:00 minute and has a full
 * minute before the first of them is due (`pnpm bench burst`).
 */
export const LOOK_AHEAD_MS = 135_000;

/** Messages arrive this much before their post is due: time to prepare before the write. */
export const EARLY_DELIVERY_MS = 4_000;

/**
 * Preparation time allowed per image the publisher uploads (an image, or a link card's thumbnail):
 * the longest thread we take (25 posts × 4 images just under 1 MB each) took 7.7–10.8 s from claim
 * to write on a local dev PDS, ~0.1 s per image, at load 5–8 (`pnpm bench publish`); × 1.5. (At
 * load 10–17 it took 16–28 s: beyond this budget, see docs/architecture.md.) It cannot grow much:
 * the timeout follows from it, and a plain post's recovery from the timeout.
 */
export const PREPARE_MS_PER_UPLOAD = 160;
/** Most images one post (a whole thread) can make the publisher upload. */
export const MAX_UPLOADS_PER_POST = MAX_THREAD_ITEMS * MAX_IMAGES_PER_POST;

/**
 * How long before its second a post's message arrives: `EARLY_DELIVERY_MS` (session, mentions,
 * quotes, records) plus its uploads' time, so a thread full of images is written on its second
 * too, not ~10 s after it. Videos are not counted: the dispatcher's `prepare_video` uploads them
 * minutes ahead.
 */
export const earlyDeliveryMs = (uploads = 0): number =>
  EARLY_DELIVERY_MS + Math.min(Math.max(0, uploads), MAX_UPLOADS_PER_POST) * PREPARE_MS_PER_UPLOAD;

/** SQS caps DelaySeconds at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * The `DelaySeconds` for a message whose post is due at `dueAt` and has `uploads` images to upload:
 * whole seconds (SQS has no finer unit), rounded down so the message is early rather than late,
 * and `earlyDeliveryMs(uploads)` earlier.
 */
export function deliveryDelaySeconds(dueAt: Date, now: Date, uploads = 0): number {
  const seconds = Math.floor((dueAt.getTime() - now.getTime() - earlyDeliveryMs(uploads)) / 1000);
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds));
}

/**
 * A `queued` post still queued this long after it fell due has lost its message (or the queue is
 * badly backed up; a second message is harmless then): the reaper sends a new one.
 */
export const REQUEUE_QUEUED_AFTER_MS = 120_000;

/**
 * A `publishing` post whose lease ran out this long ago was not taken over by its message's own
 * redelivery (which normally comes first): the reaper queues it again.
 */
export const REQUEUE_PUBLISHING_AFTER_LEASE_MS = 30_000;

/** Added to a publisher's remaining Lambda time to make its lease: covers a slow final write. */
export const LEASE_MARGIN_MS = 2_000;

/**
 * The write and what follows it (`applyWrites` of a whole thread, recording the outcome): the
 * longest thread's write took 0.8–2.1 s on a local dev PDS at load 5–8 (`pnpm bench publish`).
 */
export const WRITE_BUDGET_MS = 4_000;

/**
 * The timings that decide how late a post can be after a publisher dies (crash, out of memory,
 * timeout), in one place: terraform (function timeout, queue visibility), the local runtime and
 * these rules all read them from here.
 *
 * The publisher's timeout holds the longest honest publication: its message arrives up to
 * `earlyDeliveryMs(MAX_UPLOADS_PER_POST)` + 1 s before the second (20–21 s for 100 images), the
 * preparation fits in that while it keeps to `PREPARE_MS_PER_UPLOAD`, then the write: 20 + 1 + 4 =
 * 25 s. It does not hold
 * the pathological path (a write that hangs for the PDS request limit of 15 s, then the look after
 * it): such a publication is cut short, its message comes back after the visibility timeout, and
 * the next attempt looks whether the write landed before writing, so it is late, never doubled.
 *
 * After a crash: a message arrives `earlyDeliveryMs(uploads)` (+ < 1 s) before its second and its
 * publisher takes a lease of its remaining time + `LEASE_MARGIN_MS`. SQS shows it again
 * `PUBLISH_VISIBILITY_TIMEOUT_SECONDS` after reception, by when the lease is over: for a plain post
 * at most 28 − 4 = 24 s after the second, for the 100-image thread 28 − 20 = 8 s after it. The
 * redelivery then prepares and writes in full (measured: ≤ 1.9 s for a post; 8.6–12.3 s for the
 * thread at load 5–8, up to 30 s at load 10–17), so both are published within 30 s of their
 * second while preparation keeps to its budget (docs/architecture.md, "Timings after a crash").
 * Before issue 16: a 60 s timeout and 90 s visibility, 90 s and more.
 */
export const PUBLISHER_TIMEOUT_SECONDS = Math.ceil((earlyDeliveryMs(MAX_UPLOADS_PER_POST) + 1_000 + WRITE_BUDGET_MS) / 1000);
/** ≥ the publisher's timeout + the lease margin: a redelivery must find a dead publisher's lease over. */
export const PUBLISH_VISIBILITY_TIMEOUT_SECONDS = PUBLISHER_TIMEOUT_SECONDS + Math.ceil(LEASE_MARGIN_MS / 1000) + 1;

/**
 * The latest a post with `uploads` images is taken over after its publisher died, in ms after its
 * second: its message came back `PUBLISH_VISIBILITY_TIMEOUT_SECONDS` after it arrived, early.
 */
export const takeoverAfterDueMs = (uploads = 0): number => PUBLISH_VISIBILITY_TIMEOUT_SECONDS * 1000 - earlyDeliveryMs(uploads);

/**
 * Publishers that died while holding a post (timeouts, out-of-memory, crashes): after this many,
 * the post fails with class `crash` instead of being handed to another one.
 */
export const MAX_ABANDONED_ATTEMPTS = 3;
