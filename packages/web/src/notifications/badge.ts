import { signal } from '@preact/signals';

/** Unread notifications, for the navigation's badge (the notifications screen updates it as it acts). */
export const unreadNotifications = signal(0);

/**
 * Keeps the badge current while someone is signed in: the poller is a chunk of its own, loaded
 * after the first screen (it is not needed to use it). Returns the stop.
 */
export function watchUnread(): () => void {
  let stop: (() => void) | undefined;
  let stopped = false;
  void import('./badge-poller').then(({ pollUnread }) => {
    if (!stopped) stop = pollUnread();
  });
  return () => {
    stopped = true;
    stop?.();
  };
}
