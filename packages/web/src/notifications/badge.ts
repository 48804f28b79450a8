import { signal } from '@preact/signals';
import type { ListNotificationsResponse } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { usePolling } from '../api/poll';

/** Unread notifications, for the navigation's badge (the notifications screen updates it as it acts). */
export const unreadNotifications = signal(0);

/** Asks for the unread count now and every minute while the tab is visible and someone is signed in. */
export function useUnreadBadge(signedIn: boolean) {
  usePolling(
    async () => {
      if (!signedIn) return;
      const { data } = await api<ListNotificationsResponse>('/notifications?limit=1');
      unreadNotifications.value = data.unreadCount;
    },
    60_000,
    [signedIn],
  );
}
