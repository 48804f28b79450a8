/**
 * Timing of dispatch and publication. The dispatcher runs once a minute (EventBridge promises
 * only that), so it queues everything due before its next run plus a margin, each message
 * delayed to arrive shortly before its post is due; the publisher prepares (session, mentions,
 * quotes, blobs) and waits out the rest, so the write itself lands on the second.
 */

/** A tick queues what falls due before now + this: the next tick (60 s) plus a late-tick margin. */
export const LOOK_AHEAD_MS = 75_000;

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
export const REQUEUE_PUBLISHING_AFTER_LEASE_MS = 60_000;

/** Added to a publisher's remaining Lambda time to make its lease: covers a slow final write. */
export const LEASE_MARGIN_MS = 2_000;

/**
 * Publishers that died while holding a post (timeouts, out-of-memory, crashes): after this many,
 * the post fails with class `crash` instead of being handed to another one.
 */
export const MAX_ABANDONED_ATTEMPTS = 3;
