import { signal } from '@preact/signals';

const message = signal('');
let clear: ReturnType<typeof setTimeout> | undefined;

/** Says something to screen readers (and shows it briefly) without moving focus. */
export function announce(text: string) {
  message.value = '';
  // A change the live region notices even when the same text comes twice.
  requestAnimationFrame(() => (message.value = text));
  clearTimeout(clear);
  clear = setTimeout(() => (message.value = ''), 6_000);
}

export function Announcer() {
  return (
    <div class="announcer" role="status" aria-live="polite">
      {message.value ? <div class="toast">{message.value}</div> : null}
    </div>
  );
}
