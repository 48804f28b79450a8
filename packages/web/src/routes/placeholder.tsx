import { messages } from '../i18n';
import { Page } from '../ui/page';

type Screen = 'compose' | 'calendar' | 'posts' | 'post' | 'notifications' | 'settings';

/** A screen still to build: says what it will hold. Each is replaced by its own lazy route module. */
export function Placeholder({ screen }: { screen: Screen }) {
  const m = messages.value;
  const titles: Record<Screen, string> = {
    compose: m.nav.compose,
    calendar: m.nav.calendar,
    posts: m.nav.posts,
    post: m.nav.posts,
    notifications: m.nav.notifications,
    settings: m.nav.settings,
  };
  return (
    <Page title={titles[screen]}>
      <div class="card empty-state">
        <p>{m.placeholder[screen]}</p>
        <p class="hint">{m.placeholder.soon}</p>
      </div>
    </Page>
  );
}
