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

/** SQS caps DelaySeconds at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * The `DelaySeconds` for a message whose post is due at `dueAt`: whole seconds (SQS has no finer
 * unit), rounded down so the message is early rather than late, and `EARLY_DELIVERY_MS` earlier.
 */
export function deliveryDelaySeconds(dueAt: Date, now: Date): number {
  const seconds = Math.floor((dueAt.getTime() - now.getTime() - EARLY_DELIVERY_MS) / 1000);
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
 * The timings that decide how late a post can be after a publisher dies (crash, out of memory,
 * timeout), in one place: terraform (function timeout, queue visibility), the local runtime and
 * these rules all read them from here. A message arrives up to `EARLY_DELIVERY_MS` + 1 s before
 * its second and its publisher takes a lease of its remaining time + `LEASE_MARGIN_MS`. If the
 * publisher dies, SQS makes the message visible again `PUBLISH_VISIBILITY_TIMEOUT_SECONDS` after
 * it was received, i.e. at most 28 − 4 = 24 s after the post was due; by then the lease
 * (received + 25 s + 2 s) has run out, so the redelivery takes the post over, looks whether the
 * dead attempt's write landed, and publishes or records it: within 30 s of the second. (Before
 * issue 16: a 60 s timeout and 90 s visibility, 90 s and more.)
 *
 * Every request to a PDS gives up after 15 s (bluesky `network.ts`); an invocation handles up to
 * ten messages at once, so 25 s is one publication's preparation, one write and the look after a
 * failed write. A publication cut short by the timeout is not lost: its message comes back and
 * the next attempt looks before writing.
 */
export const PUBLISHER_TIMEOUT_SECONDS = 25;
/** ≥ the publisher's timeout + the lease margin: a redelivery must find a dead publisher's lease over. */
export const PUBLISH_VISIBILITY_TIMEOUT_SECONDS = PUBLISHER_TIMEOUT_SECONDS + Math.ceil(LEASE_MARGIN_MS / 1000) + 1;

/**
 * Publishers that died while holding a post (timeouts, out-of-memory, crashes): after this many,
 * the post fails with class `crash` instead of being handed to another one.
 */
export const MAX_ABANDONED_ATTEMPTS = 3;
