import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { AWAITING_STATUSES, type Post } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { signOut } from '../auth/session';
import { messages } from '../i18n';
import { announce } from './announcer';
import { Icon } from './icons';

type Waiting = { state: 'loading' } | { state: 'known'; count: number } | { state: 'unknown' };

/** How many posts wait to be published (every page of the list). */
async function countWaiting(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({
      status: AWAITING_STATUSES.join(','),
      limit: '100',
      ...(cursor ? { cursor } : {}),
    });
    const { data }: { data: { posts: Post[]; nextCursor: string | null } } = await api(`/posts?${query}`);
    count += data.posts.length;
    cursor = data.nextCursor;
  } while (cursor);
  return count;
}

/** Asked by the button (in the account menu), answered by the dialog (outside it: a hidden menu hides what it holds). */
const asked = signal(0);

export function SignOutButton({ class: className }: { class?: string }) {
  const m = messages.value;
  return (
    <button
      type="button"
      class={className ?? 'button ghost'}
      onClick={() => {
        document.getElementById('account-menu')?.hidePopover();
        asked.value += 1;
      }}
    >
      <Icon name="signOut" />
      <span>{m.nav.signOut}</span>
    </button>
  );
}

/**
 * Sign out, after saying what happens to the posts still waiting: the server revokes the Bluesky
 * session and holds them (`blocked`) until the next sign-in, so nothing is published meanwhile.
 */
export function SignOutDialog() {
  const m = messages.value;
  const dialog = useRef<HTMLDialogElement>(null);
  const [waiting, setWaiting] = useState<Waiting>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const { route } = useLocation();

  const open = async () => {
    setFailed(false);
    setWaiting({ state: 'loading' });
    dialog.current?.showModal();
    try {
      setWaiting({ state: 'known', count: await countWaiting() });
    } catch {
      setWaiting({ state: 'unknown' });
    }
  };

  const confirm = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await signOut();
      dialog.current?.close();
      announce(m.signOut.done);
      route('/sign-in', true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  // Requests made before this dialog existed (a previous session in this page) are not replayed.
  const requests = asked.value;
  const handled = useRef(asked.peek());
  useEffect(() => {
    if (requests === handled.current) return;
    handled.current = requests;
    void open();
  }, [requests]);

  return (
    <>
      <dialog ref={dialog} class="modal" aria-labelledby="sign-out-title" aria-describedby="sign-out-body">
        <h2 id="sign-out-title">{m.signOut.title}</h2>
        <div id="sign-out-body">
          {waiting.state === 'loading' ? (
            <p class="hint" role="status">
              {m.app.loading}
            </p>
          ) : (
            <p data-testid="sign-out-waiting">{waiting.state === 'known' ? m.signOut.waiting(waiting.count) : m.signOut.waitingUnknown}</p>
          )}
          <p class="hint">{m.signOut.everywhere}</p>
        </div>
        {failed ? (
          <div class="alert error" role="alert">
            <Icon name="alert" />
            <p>{m.signOut.failed}</p>
          </div>
        ) : null}
        <div class="modal-actions">
          <button type="button" class="button" onClick={() => dialog.current?.close()} autofocus>
            {m.signOut.cancel}
          </button>
          <button type="button" class="button danger" onClick={() => void confirm()} disabled={busy}>
            {busy ? <span class="spinner" aria-hidden="true" /> : null}
            {m.signOut.confirm}
          </button>
        </div>
      </dialog>
    </>
  );
}
