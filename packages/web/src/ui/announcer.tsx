import { signal } from '@preact/signals';

const message = signal<{ text: string; visible: boolean }>({ text: '', visible: true });
let clear: ReturnType<typeof setTimeout> | undefined;

/**
 * Says something to screen readers without moving focus, and shows it briefly unless `visible` is
 * false (when the screen already shows the same words).
 */
export function announce(text: string, options: { visible?: boolean } = {}) {
  message.value = { text: '', visible: true };
  // A change the live region notices even when the same text comes twice.
  requestAnimationFrame(() => (message.value = { text, visible: options.visible ?? true }));
  clearTimeout(clear);
  clear = setTimeout(() => (message.value = { text: '', visible: true }), 6_000);
}

export function Announcer() {
  return (
    <div class="announcer" role="status" aria-live="polite">
      {message.value.text ? <div class={message.value.visible ? 'toast' : 'visually-hidden'}>{message.value.text}</div> : null}
    </div>
  );
}
