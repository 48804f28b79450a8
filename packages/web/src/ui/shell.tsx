import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { auth, me } from '../auth/session';
import { messages } from '../i18n';
import { unreadNotifications, watchUnread } from '../notifications/badge';
import { Announcer } from './announcer';
import { Icon, type IconName } from './icons';
import { Preferences } from './preferences';
import { SignOutButton, SignOutDialog } from './sign-out-dialog';

const NAV: Array<{ href: string; icon: IconName; key: 'compose' | 'calendar' | 'posts' | 'notifications' | 'settings' }> = [
  { href: '/compose', icon: 'compose', key: 'compose' },
  { href: '/calendar', icon: 'calendar', key: 'calendar' },
  { href: '/posts', icon: 'posts', key: 'posts' },
  { href: '/notifications', icon: 'bell', key: 'notifications' },
  { href: '/settings', icon: 'settings', key: 'settings' },
];

function Brand() {
  return (
    <a class="brand" href="/">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
        <circle cx="16" cy="16" r="14" fill="var(--accent)" />
        <path d="M16 8v8l5.5 3.5" fill="none" stroke="var(--accent-text)" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <span>Chronopost</span>
    </a>
  );
}

function Avatar({ size = 32 }: { size?: number }) {
  const account = me.value?.account;
  const initial = (account?.displayName ?? account?.handle ?? '?').slice(0, 1).toUpperCase();
  return account?.avatarUrl ? (
    <img class="avatar" src={account.avatarUrl} alt="" width={size} height={size} />
  ) : (
    <span class="avatar" style={{ width: `${size}px`, height: `${size}px` }} aria-hidden="true">
      {initial}
    </span>
  );
}

function AccountMenu() {
  const m = messages.value;
  const account = me.value?.account;
  return (
    <div class="account">
      <button type="button" class="account-button" popovertarget="account-menu">
        <Avatar />
        <span class="visually-hidden">{`${m.nav.account}: `}</span>
        <span class="account-names">
          {account?.displayName ? <span class="account-display">{account.displayName}</span> : null}
          <span class="account-handle">{account ? `@${account.handle}` : m.app.loading}</span>
        </span>
      </button>
      <div id="account-menu" class="popover-menu" popover="auto">
        <div class="account-summary">
          <Avatar size={40} />
          <div>
            {account?.displayName ? <div class="account-display">{account.displayName}</div> : null}
            <div class="account-handle">{account ? `@${account.handle}` : ''}</div>
          </div>
        </div>
        <Preferences id="menu" />
        <SignOutButton class="button block" />
      </div>
    </div>
  );
}

/** The frame of every screen: navigation for a signed-in user, a plain header otherwise. */
export function Shell({ children }: { children: ComponentChildren }) {
  const m = messages.value;
  const { path } = useLocation();
  const signedIn = auth.value.status === 'signed-in';
  useEffect(() => (signedIn ? watchUnread() : undefined), [signedIn]);
  const skip = (
    <a class="skip-link" href="#main">
      {m.app.skipToContent}
    </a>
  );
  if (!signedIn) {
    return (
      <div class="public">
        {skip}
        <header class="public-header">
          <Brand />
          <Preferences id="header" only="language" />
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer class="public-footer">
          <p>{m.app.tagline}</p>
          <Preferences id="footer" only="theme" />
        </footer>
        <Announcer />
      </div>
    );
  }
  return (
    <div class="app">
      {skip}
      <div class="sidebar">
        <Brand />
        <nav class="primary-nav" aria-label={m.app.mainNavigation}>
          <ul>
            {NAV.map((item) => {
              const current = path === item.href || path.startsWith(`${item.href}/`);
              const badge = item.key === 'notifications' ? unreadNotifications.value : 0;
              return (
                <li key={item.href}>
                  <a href={item.href} aria-current={current ? 'page' : undefined}>
                    <span class="nav-icon">
                      <Icon name={item.icon} size={22} />
                      {badge > 0 ? (
                        <span class="badge" aria-hidden="true">
                          {badge > 99 ? '99+' : badge}
                        </span>
                      ) : null}
                    </span>
                    {item.key === 'notifications' ? (
                      <>
                        <span class="nav-label wide-only">{m.nav.notifications}</span>
                        <span class="nav-label phone-only" aria-hidden="true">
                          {m.nav.notificationsShort}
                        </span>
                      </>
                    ) : (
                      <span class="nav-label">{m.nav[item.key]}</span>
                    )}
                    {badge > 0 ? <span class="visually-hidden">{`, ${m.nav.unread(badge)}`}</span> : null}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <AccountMenu />
      </div>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <SignOutDialog />
      <Announcer />
    </div>
  );
}
