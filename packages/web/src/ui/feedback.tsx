import { messages } from '../i18n';
import { Icon } from './icons';

/** A screen (or part of one) still loading, said to screen readers too. */
export function Loading() {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{messages.value.app.loading}</span>
    </div>
  );
}

/** Something that went wrong, announced when it appears. */
export function ErrorAlert({ text }: { text: string }) {
  return (
    <div class="alert error" role="alert">
      <Icon name="alert" />
      <p>{text}</p>
    </div>
  );
}
