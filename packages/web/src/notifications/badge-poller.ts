import type { ListNotificationsResponse } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { repeatWhileVisible } from '../api/poll';
import { unreadNotifications } from './badge';

/** Asks for the unread count now and every minute while the tab is visible. */
export const pollUnread = () =>
  repeatWhileVisible(async () => {
    const { data } = await api<ListNotificationsResponse>('/notifications?limit=1');
    unreadNotifications.value = data.unreadCount;
  }, 60_000);
