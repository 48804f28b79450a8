import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './client';

/**
 * Keeps what a screen shows current without a reload. API Gateway's HTTP APIs do not stream, so
 * screens poll; each poll sends the ETag of the last answer (`If-None-Match`) and the API answers
 * 304 with no body when nothing changed. Hidden tabs do not poll (browsers would throttle the
 * timers anyway); coming back to the tab polls at once.
 */
export function usePolling(tick: () => Promise<void>, intervalMs: number, deps: readonly unknown[]): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => repeatWhileVisible(() => latest.current(), intervalMs), [intervalMs, ...deps]);
}

/** Runs `tick` now and every `intervalMs` after it ends, while the tab is visible (at once when it becomes visible again); returns the stop. */
export function repeatWhileVisible(tick: () => Promise<void>, intervalMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = () => {
    clearTimeout(timer);
    if (stopped || document.visibilityState === 'hidden') return;
    running ??= tick()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (!stopped && document.visibilityState !== 'hidden') timer = setTimeout(run, intervalMs);
      });
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') run();
    else clearTimeout(timer);
  };
  document.addEventListener('visibilitychange', onVisibility);
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** A GET that remembers the ETag of its last answer: `undefined` when the resource is unchanged (304). */
export function conditionalGet<T>() {
  let etag: string | undefined;
  return {
    async get(path: string, signal?: AbortSignal): Promise<T | undefined> {
      const response = await api<T>(path, { headers: etag ? { 'if-none-match': etag } : {}, ...(signal ? { signal } : {}) });
      if (response.status === 304) return undefined;
      etag = response.headers.get('etag') ?? undefined;
      return response.data;
    },
    /** Forget the ETag: the next get answers in full (after a change of ours, or of the query). */
    reset() {
      etag = undefined;
    },
  };
}

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  /** Asks again now (after an action on the resource), in full. */
  refresh(): Promise<void>;
}

/** A resource at `path`, polled every `intervalMs` with If-None-Match while the tab is visible. */
export function usePolled<T>(path: string, intervalMs: number): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const getter = useRef(conditionalGet<T>());
  const current = useRef(path);
  current.current = path;
  const load = async () => {
    const asked = path;
    try {
      const answer = await getter.current.get(asked);
      if (current.current !== asked) return;
      if (answer !== undefined) setData(answer);
      setError(undefined);
    } catch (failure) {
      if (current.current === asked) setError(failure);
    }
  };
  useEffect(() => {
    getter.current.reset();
    setData(undefined);
    setError(undefined);
  }, [path]);
  usePolling(load, intervalMs, [path]);
  return {
    data,
    error,
    refresh: async () => {
      getter.current.reset();
      await load();
    },
  };
}
