import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/**
 * A screen: its title is the page's one h1 and the document title. The h1 takes focus after a
 * navigation (not on the first load), so screen readers announce where the user arrived.
 */
export function Page({
  title,
  children,
  wide,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  wide?: boolean;
  actions?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${title} · Chronopost`;
  }, [title]);
  return (
    <div class={wide ? 'page wide' : 'page'}>
      <div class="page-header">
        <h1 tabIndex={-1} data-page-title>
          {title}
        </h1>
        {actions ? <div class="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}

/** Called once the new route has rendered (the router's onRouteChange). */
export function focusPageTitle() {
  document.querySelector<HTMLElement>('[data-page-title]')?.focus();
}
