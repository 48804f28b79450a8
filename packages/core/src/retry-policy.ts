import { VIDEO_PROCESSING_RECHECK_MS } from './video';

/** Why a publication attempt failed, as far as what to do next is concerned. */
export const PUBLISH_ERROR_CLASSES = [
  /** Could not reach the PDS, or it timed out: try again later. */
  'network',
  /** The PDS answered 5xx: try again later. */
  'server',
  /** 429: try again after the reset it gave. */
  'rate_limited',
  /** The PDS refused our token even after a refresh: the user must log in again. */
  'auth',
  /** The Bluesky session is over (revoked or expired): the user must log in again. */
  'session_ended',
  /** The post itself is not acceptable (the PDS said so, or a quoted post is gone): no retry helps. */
  'validation',
  /** The publisher died repeatedly on this post (its message reached the dead-letter queue). */
  'crash',
  /** The post's video is still being processed by the video service: look again shortly. */
  'video_processing',
] as const;
export type PublishErrorClass = (typeof PUBLISH_ERROR_CLASSES)[number];

export const RETRYABLE_CLASSES: readonly PublishErrorClass[] = ['network', 'server', 'rate_limited'];
/** Failures of the account's session, not of the post: the post waits (`blocked`) for a new login. */
export const BLOCKING_CLASSES: readonly PublishErrorClass[] = ['auth', 'session_ended'];

/** Waits after the 1st, 2nd and 3rd failed attempt; the 4th failure is final. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 480_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export type NextStep = { action: 'retry'; at: Date } | { action: 'fail' } | { action: 'block' };

/**
 * What to do after attempt number `attempt` (1-based) failed: retry at 30 s, 2 min, 8 min (or later,
 * if the server said when), give up after the fourth, block on session problems, fail on bad posts.
 */
export function nextStep(input: { attempt: number; errorClass: PublishErrorClass; now: Date; retryAfter?: Date }): NextStep {
  if (BLOCKING_CLASSES.includes(input.errorClass)) return { action: 'block' };
  // Waiting for a video is not a failure: no backoff; the late policy (or the video wait limit) ends it.
  if (input.errorClass === 'video_processing') return { action: 'retry', at: new Date(input.now.getTime() + VIDEO_PROCESSING_RECHECK_MS) };
  if (!RETRYABLE_CLASSES.includes(input.errorClass)) return { action: 'fail' };
  const delay = RETRY_DELAYS_MS[input.attempt - 1];
  if (delay === undefined) return { action: 'fail' };
  const backoff = input.now.getTime() + delay;
  return { action: 'retry', at: new Date(Math.max(backoff, input.retryAfter?.getTime() ?? 0)) };
}

/**
 * Whether a post is too late to publish under its policy: `skip` gives up once it is more than
 * `graceSeconds` late (so an outage does not end in a burst of stale posts); `publish` never does.
 */
export const isTooLate = (input: { scheduledAt: Date; now: Date; latePolicy: 'publish' | 'skip'; graceSeconds: number }): boolean =>
  input.latePolicy === 'skip' && input.now.getTime() - input.scheduledAt.getTime() > input.graceSeconds * 1000;
