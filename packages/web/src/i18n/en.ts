/**
 * The English interface text. `ja.ts` has the same shape (the type checker makes it complete).
 * Texts with numbers are functions, so each language phrases its own plurals.
 */
const plural = (n: number, one: string, other: string) => `${n.toLocaleString('en')} ${n === 1 ? one : other}`;

export const en = {
  app: {
    name: 'Chronopost',
    tagline: 'Your Bluesky posts and threads, published on the second.',
    skipToContent: 'Skip to content',
    mainNavigation: 'Main',
    loading: 'Loading…',
    screenFailed: 'This screen could not be loaded. Check your connection and reload the page.',
    reload: 'Reload',
  },
  nav: {
    compose: 'Compose',
    calendar: 'Calendar',
    posts: 'Posts',
    notifications: 'Notifications',
    /** In the phone's tab bar, where there is room for a short word. */
    notificationsShort: 'Alerts',
    settings: 'Settings',
    unread: (n: number) => plural(n, 'new notification', 'new notifications'),
    account: 'Account',
    signOut: 'Sign out',
  },
  preferences: {
    language: 'Language',
    theme: 'Theme',
    themeSystem: 'System',
    themeLight: 'Light',
    themeDark: 'Dark',
  },
  signIn: {
    title: 'Sign in with Bluesky',
    intro:
      'Chronopost publishes on your own Bluesky account. You sign in on your Bluesky server’s own page; Chronopost never sees your password.',
    identifierLabel: 'Handle, DID or server address',
    identifierHint: 'For example alice.bsky.social, did:plc:… or https://your-pds.example',
    submit: 'Continue to Bluesky',
    submitting: 'Opening your Bluesky server…',
    whatHappens: 'What happens next',
    steps: [
      'Your Bluesky server shows its sign-in page. Sign in there.',
      'It asks whether Chronopost may post for you. Accept.',
      'You come back here, signed in.',
    ],
    invalidIdentifier: 'This is not a handle (like alice.bsky.social), a DID (did:plc:…) or an address (https://…).',
    emptyIdentifier: 'Enter your Bluesky handle, like alice.bsky.social.',
    notFound: (identifier: string) => `We could not find a Bluesky account for “${identifier}”. Check the spelling.`,
    rateLimited: (seconds: number | undefined) =>
      seconds
        ? `Too many sign-in attempts from this network. Try again in ${Math.ceil(seconds / 60)} min.`
        : 'Too many sign-in attempts. Try again in a few minutes.',
    serverUnavailable: 'Your Bluesky server could not be reached. Try again in a moment.',
    failedTitle: 'Sign-in did not complete',
    heroTitle: 'Write tonight. Publish on the second.',
    heroPoints: [
      { title: 'On time, exactly once', body: 'Posts and whole threads go out at the second you chose, in order, never twice.' },
      { title: 'Your own account', body: 'Signed in through your Bluesky server. No app password is ever stored.' },
      { title: 'No surprises at 3 a.m.', body: 'If something goes wrong, Chronopost retries sensibly and tells you what happened.' },
    ],
    retry: 'Try again',
  },
  /** `login_error` on the page the login came back to. */
  loginErrors: {
    invalid_request: 'The sign-in link was incomplete or altered, so it was not used. Start again from this page.',
    expired: 'The sign-in took longer than 10 minutes and expired. Start again; it only takes a moment.',
    wrong_browser:
      'The sign-in was finished in a different browser (or one that blocks cookies) from the one that started it. For your safety, start and finish in the same browser.',
    access_denied: 'You declined on your Bluesky server, so Chronopost was not given access. Nothing was changed.',
    server_error: 'Your Bluesky server or Chronopost failed while finishing the sign-in. Nothing was changed; try again in a moment.',
    unknown: 'The sign-in did not complete. Try again.',
  },
  sessionEnded: {
    invalid_refresh_token: 'Your session has ended. Sign in again to continue.',
    refresh_token_reused:
      'Your session was ended for your safety: it was used from two places at once. Sign in again; if it happens again, sign out everywhere.',
    other: 'You are signed out. Sign in again to continue.',
  },
  signOut: {
    title: 'Sign out?',
    waiting: (n: number) =>
      n === 0
        ? 'You have no posts waiting to be published.'
        : `You have ${plural(n, 'post', 'posts')} waiting to be published. Chronopost cannot publish for you while you are signed out: ${n === 1 ? 'it will be held' : 'they will be held'} and not published. Sign in again and ${n === 1 ? 'it goes' : 'they go'} back on schedule (or ${n === 1 ? 'is' : 'are'} marked missed if ${n === 1 ? 'its' : 'their'} time has passed).`,
    waitingUnknown:
      'Any posts waiting to be published will be held, not published, until you sign in again. Then they go back on schedule (or are marked missed if their time has passed).',
    everywhere: 'This signs you out in every browser and ends Chronopost’s access to your Bluesky account.',
    confirm: 'Sign out',
    cancel: 'Stay signed in',
    failed: 'Signing out failed. Check your connection and try again.',
    done: 'You are signed out.',
  },
  placeholder: {
    compose: 'A thread editor with a live preview, the time in your zone, and what happens if it cannot go out on time.',
    soon: 'This screen is being built.',
    calendar: 'Your drafts, scheduled and published posts in month, week and day views.',
    posts: 'Every post with its status, filtered by status.',
    post: 'A post’s status, its attempts and what you can do with it.',
    notifications: 'What Chronopost needs you to know.',
    settings: 'Your default time zone, languages, reply and quote controls and late policy.',
  },
  notFound: {
    title: 'Page not found',
    body: 'There is nothing at this address.',
    home: 'Go to the composer',
  },
  errors: {
    network_error: 'Chronopost could not be reached. Check your connection; your work on this page is kept.',
    server_error: 'Something went wrong on our side. Try again in a moment.',
    service_unavailable: 'Chronopost is busy or being updated. Try again in a moment.',
    gateway_timeout: 'Chronopost took too long to answer. Try again in a moment.',
    bad_gateway: 'Chronopost could not reach one of its parts. Try again in a moment.',
    unauthorized: 'Your session has ended. Sign in again.',
    not_logged_in: 'You are not signed in.',
    forbidden: 'You may not do this.',
    cross_origin_request: 'This request must come from the Chronopost web app.',
    rate_limited: 'Too many requests. Wait a moment and try again.',
    payload_too_large: 'This is too large to send.',
    validation_failed: 'Some fields need your attention.',
    invalid_json: 'The request could not be read.',
    post_not_found: 'This post does not exist (or belongs to another account).',
    version_conflict: 'This post was changed elsewhere (another tab or device). Reload it to see the latest version.',
    invalid_status: 'This post can no longer be changed this way: its status has changed.',
    precondition_required: 'Reload the post before changing it.',
    authorization_server_unavailable: 'Your Bluesky server could not be reached. Try again in a moment.',
    invalid_refresh_token: 'Your session has ended. Sign in again.',
    refresh_token_reused: 'Your session was ended for your safety. Sign in again.',
    unknown: (message: string) => `The request failed: ${message}`,
  },
  common: {
    close: 'Close',
    cancel: 'Cancel',
    retry: 'Try again',
    required: 'Required',
  },
};

export type Messages = typeof en;
