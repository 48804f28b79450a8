import { ensureDpopNonce, holdWriteRecords, type NonceHoldingSession, type StrongRef, type Write } from '@chronopost/bluesky';

/**
 * How long before its second a post's write request is made (see `holdWriteRecords`): time enough
 * for a hundred posts due in one second in one process to be made (~1.5 ms of CPU each) before
 * it, and little enough for the DPoP proof, signed then, to be fresh (a PDS accepts 10 s).
 */
export const WRITE_MADE_AHEAD_MS = 1_000;

export interface Clock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/** Per clock, one wait per instant, shared by everything waiting for it. */
const waits = new WeakMap<Clock, Map<number, Promise<void>>>();

/**
 * Resolves once the clock reads `at` (ms since the epoch). A timer measures a monotonic interval in
 * whole milliseconds and may end a fraction of one before the wall clock gets there, hence the
 * loop. Everything waiting for one instant shares one wait: when it ends, they all go on in one
 * run of the microtask queue, before any I/O, so a hundred writes due in one second are sent one
 * after the other at once rather than between the answers to the first ones.
 */
export function untilClockReads(clock: Clock, at: number): Promise<void> {
  let instants = waits.get(clock);
  if (!instants) waits.set(clock, (instants = new Map<number, Promise<void>>()));
  let wait = instants.get(at);
  if (!wait) {
    wait = (async () => {
      for (let left = at - clock.now().getTime(); left > 0; left = at - clock.now().getTime()) await clock.sleep(left);
    })().finally(() => instants.delete(at));
    instants.set(at, wait);
  }
  return wait;
}

/**
 * Writes the records at `dueAt` (ms since the epoch), not before. The request is made
 * `WRITE_MADE_AHEAD_MS` before (the session's token read, the DPoP proof signed, the body
 * serialised, the address checked) and at the second only sent: with many posts due in one second
 * in one process, each one's making would otherwise delay all the others' sending
 * (`pnpm bench same-second`). First, the session is made to hold a DPoP nonce of the PDS
 * (`ensureDpopNonce`): without one the write would be refused once and sent again, a round trip
 * after the second. That read gets until the write is made, no longer: a PDS slow to answer it
 * does not hold the write up. `sentAt` says when the request went (undefined while it has not).
 */
export function writeAtSecond(
  clock: Clock,
  session: NonceHoldingSession,
  target: { did: string; pdsUrl: string },
  writes: Write[],
  dueAt: number,
): { result: Promise<StrongRef[]>; sentAt: () => Date | undefined } {
  let sentAt: () => Date | undefined = () => undefined;
  const result = (async () => {
    // The nonce read never holds the write up: whatever it has got by the time the write is made.
    await Promise.race([ensureDpopNonce(session, target.pdsUrl), untilClockReads(clock, dueAt - WRITE_MADE_AHEAD_MS)]);
    await untilClockReads(clock, dueAt - WRITE_MADE_AHEAD_MS);
    const write = holdWriteRecords(session, target.did, writes, clock.now);
    sentAt = write.sentAt;
    try {
      await write.ready;
      await untilClockReads(clock, dueAt);
    } catch (error) {
      // The wait failed: the request is never sent.
      write.cancel(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    write.release();
    return write.result;
  })();
  return { result, sentAt: () => sentAt() };
}
