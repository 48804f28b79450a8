import { Placeholder } from './placeholder';

/** Lazy route module, to be replaced by the real screen. */
export default function NotificationsScreen() {
  return <Placeholder screen="notifications" />;
}
