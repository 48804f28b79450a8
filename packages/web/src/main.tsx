import { render } from 'preact';
import { App } from './app';
import { restoreSession } from './auth/session';
import { initLocale, loadApiCatalogue } from './i18n';
import { initTheme } from './theme';
import './styles/base.css';
import './styles/layout.css';

/** `?login=ok` (the login came back) has done its job once read: keep the address clean. */
function dropLoginMarker() {
  const url = new URL(location.href);
  if (!url.searchParams.has('login')) return;
  url.searchParams.delete('login');
  history.replaceState(history.state, '', url);
}

initTheme();
// The language first (Japanese is a separate chunk), the session in parallel.
const session = restoreSession();
await initLocale();
dropLoginMarker();
render(<App />, document.getElementById('app')!);
// The API's messages are needed only once something is said about a request: after the first screen.
void loadApiCatalogue();
await session;
