import { Component, type ComponentChildren, type ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { auth } from './auth/session';
import { messages } from './i18n';
import { NotFound } from './routes/not-found';
import { SignIn } from './routes/sign-in';
import { focusPageTitle } from './ui/page';
import { Shell } from './ui/shell';

// Each screen is its own chunk: the first screen loads only what it shows.
const Compose = lazy(() => import('./compose/compose-page'));
const Calendar = lazy(() => import('./routes/calendar'));
const Posts = lazy(() => import('./routes/posts'));
const PostScreen = lazy(() => import('./routes/post'));
const Notifications = lazy(() => import('./routes/notifications'));
const Settings = lazy(() => import('./routes/settings'));

function Loading() {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{messages.value.app.loading}</span>
    </div>
  );
}

/** Screens for a signed-in user; anyone else signs in first and comes back to the same address. */
function signedIn<P extends object>(Screen: ComponentType<P>) {
  return function Guarded(props: P) {
    const { url } = useLocation();
    const state = auth.value;
    if (state.status === 'starting') return <Loading />;
    if (state.status === 'signed-out') return <SignIn returnTo={url.replace(/[?&]login_error=[^&]*/, '')} />;
    return <Screen {...props} />;
  };
}

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to]);
  return <Loading />;
}

function Home() {
  const state = auth.value;
  if (state.status === 'starting') return <Loading />;
  return <Redirect to={state.status === 'signed-in' ? '/compose' : '/sign-in'} />;
}

function SignInRoute() {
  const { query } = useLocation();
  const state = auth.value;
  if (state.status === 'starting') return <Loading />;
  if (state.status === 'signed-in' && !query.login_error) return <Redirect to="/compose" />;
  return <SignIn />;
}

const routes = {
  compose: signedIn(Compose),
  calendar: signedIn(Calendar),
  posts: signedIn(Posts),
  post: signedIn(PostScreen),
  notifications: signedIn(Notifications),
  settings: signedIn(Settings),
};

/** A screen that failed to load (its chunk, offline) or to render says so instead of going blank. */
class ScreenBoundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  override state = { failed: false };
  override componentDidCatch(error: unknown) {
    console.error(error);
    this.setState({ failed: true });
  }
  override render() {
    return this.state.failed ? <ScreenFailed /> : this.props.children;
  }
}

function ScreenFailed() {
  const m = messages.value.app;
  return (
    <div class="alert error" role="alert">
      <p>{m.screenFailed}</p>
      <button type="button" class="button" onClick={() => location.reload()}>
        {m.reload}
      </button>
    </div>
  );
}

let firstRoute = true;
const onRouteChange = () => {
  if (firstRoute) firstRoute = false;
  else focusPageTitle();
};

export function App() {
  return (
    <LocationProvider>
      <Shell>
        <ScreenBoundary>
          <Router onRouteChange={onRouteChange}>
            <Route path="/" component={Home} />
            <Route path="/sign-in" component={SignInRoute} />
            <Route path="/compose" component={routes.compose} />
            <Route path="/compose/:id" component={routes.compose} />
            <Route path="/calendar" component={routes.calendar} />
            <Route path="/posts" component={routes.posts} />
            <Route path="/posts/:id" component={routes.post} />
            <Route path="/notifications" component={routes.notifications} />
            <Route path="/settings" component={routes.settings} />
            <Route default component={NotFound} />
          </Router>
        </ScreenBoundary>
      </Shell>
    </LocationProvider>
  );
}
