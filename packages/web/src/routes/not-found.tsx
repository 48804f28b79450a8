import { messages } from '../i18n';
import { Page } from '../ui/page';

export function NotFound() {
  const m = messages.value.notFound;
  return (
    <Page title={m.title}>
      <div class="card empty-state">
        <p>{m.body}</p>
        <a class="button primary" href="/compose">
          {m.home}
        </a>
      </div>
    </Page>
  );
}
