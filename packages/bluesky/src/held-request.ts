import { AsyncLocalStorage } from 'node:async_hooks';
import type { PreparedRequest } from '@chronopost/safe-fetch';

/** A fetch that can also read and check a request ahead of sending it (`createAtprotoFetch`'s). */
export type PreparingFetch = typeof globalThis.fetch & {
  prepare?: (input: string | URL | Request, init?: RequestInit) => Promise<PreparedRequest>;
};

interface Hold {
  method: string;
  pathname: string;
  now: () => Date;
  /** The held request has been reached (later ones, a DPoP nonce retry, pass straight through). */
  taken: boolean;
  released: boolean;
  cancelled?: Error;
  sentAt?: Date;
  /** Set once the request is prepared: sends it, its answer going to the code that asked. */
  fire?: () => void;
  abandon?: (reason: Error) => void;
  onReady: () => void;
}

const holds = new AsyncLocalStorage<Hold>();

export interface HeldRequest<T> {
  /**
   * Settles once the held request is made and prepared, waiting for `release` — or once `run`
   * has ended (or failed) without making it. Never rejects: `result` says what went wrong.
   */
  ready: Promise<void>;
  /** Sends the request now; or, if `run` has not made it yet, the moment it does. */
  release: () => void;
  /** Gives the request up unsent (`result` rejects with `reason`); nothing if it was released. */
  cancel: (reason: Error) => void;
  /** When the request was handed to the socket; undefined while it was not. */
  sentAt: () => Date | undefined;
  /** What `run` answers, once the request (released) has been answered. */
  result: Promise<T>;
}

/**
 * Runs `run`, which makes one request (`method` to `pathname`) through a `holdingFetch` — an
 * OAuth session's `fetchHandler`, say — and holds that request back, made and ready, until
 * `release()`. Everything before the socket write happens now: the session's token is read, the
 * DPoP proof signed (its `iat` then precedes the send by the hold; a PDS accepts proofs up to
 * 10 s old), the body serialised and copied, the address checked. At `release()` the request is
 * only written. Other requests `run` makes pass through unheld, so do the library's own retries
 * of the held one (a DPoP nonce retry after the answer, a refresh after a 401).
 */
export function holdRequest<T>(
  target: { method: string; pathname: string },
  run: () => Promise<T>,
  now: () => Date = () => new Date(),
): HeldRequest<T> {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const hold: Hold = { ...target, now, taken: false, released: false, onReady: markReady };
  const result = holds.run(hold, run);
  result.then(markReady, markReady);
  return {
    ready,
    result,
    release: () => {
      if (hold.released) return;
      hold.released = true;
      hold.fire?.();
    },
    cancel: (reason) => {
      if (hold.released) return;
      hold.released = true;
      hold.cancelled = reason;
      hold.abandon?.(reason);
    },
    sentAt: () => hold.sentAt,
  };
}

/**
 * `fetch`, with the request `holdRequest` holds made ready (`fetch.prepare` when the fetch has it,
 * else kept as it is) and sent at its release. Every other request goes straight to `fetch`.
 */
export function holdingFetch(fetch: PreparingFetch): typeof globalThis.fetch {
  return async (input, init) => {
    const hold = holds.getStore();
    if (!hold || hold.taken) return fetch(input, init);
    const request = new Request(input, init);
    if (request.method !== hold.method || new URL(request.url).pathname !== hold.pathname) return fetch(request);
    hold.taken = true;
    const prepared: PreparedRequest = fetch.prepare
      ? await fetch.prepare(request)
      : { send: () => fetch(request), discard: () => undefined };
    return new Promise<Response>((resolve, reject) => {
      hold.abandon = (reason) => {
        prepared.discard();
        reject(reason);
      };
      hold.fire = () => {
        hold.sentAt = hold.now();
        prepared.send().then(resolve, reject);
      };
      if (hold.cancelled) hold.abandon(hold.cancelled);
      else if (hold.released) hold.fire();
      else hold.onReady();
    });
  };
}
