/**
 * A mutual-exclusion lock shared by every process that may refresh an OAuth session. Refresh
 * tokens are single-use: two concurrent refreshes of one session make the server see a replayed
 * token and end the session, so the OAuth client runs each session read-and-maybe-refresh under it.
 */
export interface Lock {
  run<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/** The shape `@atproto/oauth-client` expects as `requestLock`. */
export const toRequestLock =
  (lock: Lock) =>
  <T>(name: string, work: () => T | PromiseLike<T>): Promise<T> =>
    lock.run(name, async () => work());
