import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/errors';
import { describeError } from '../api/describe';
import { auth, startSignIn } from '../auth/session';
import { messages } from '../i18n';
import { Icon } from '../ui/icons';
import { Page } from '../ui/page';

type LoginErrorKey = keyof ReturnType<typeof loginErrorTexts>;
const loginErrorTexts = () => messages.value.loginErrors;

/**
 * Sign in: the handle (or DID, or PDS address) goes to the API, which sends the browser to the
 * user's own Bluesky server for the password and the consent; it comes back to `returnTo`.
 * A login that failed comes back with `login_error`, explained here in plain words.
 */
export function SignIn({ returnTo }: { returnTo?: string }) {
  const m = messages.value;
  const { query } = useLocation();
  const [identifier, setIdentifier] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const loginError = query.login_error;
  const ended = auth.value.status === 'signed-out' ? auth.value.ended : undefined;

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    // The rule is the API's zod schema: zod loads when it is first needed, not with the first screen.
    const { loginIdentifierSchema } = await import('../auth/identifier');
    const parsed = loginIdentifierSchema.safeParse(identifier);
    if (!parsed.success) {
      setProblem(identifier.trim() === '' ? m.signIn.emptyIdentifier : m.signIn.invalidIdentifier);
      input.current?.focus();
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      await startSignIn(parsed.data, returnTo ?? '/compose');
      // The browser is leaving for the PDS; stay busy until it does.
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.issues.some((issue) => issue.path === 'identifier' && issue.code === 'not_found')) {
        setProblem(m.signIn.notFound(parsed.data));
        input.current?.focus();
      } else if (error instanceof ApiError && error.code === 'rate_limited') {
        setFailure(m.signIn.rateLimited(error.retryAfterSeconds));
      } else if (error instanceof ApiError && error.code === 'authorization_server_unavailable') {
        setFailure(m.signIn.serverUnavailable);
      } else {
        setFailure(describeError(error));
      }
    }
  };

  const loginErrorText = loginError ? (loginErrorTexts()[loginError as LoginErrorKey] ?? m.loginErrors.unknown) : undefined;
  const endedText = ended ? ((m.sessionEnded as Record<string, string>)[ended] ?? m.sessionEnded.other) : undefined;

  return (
    <div class="sign-in">
      <Page title={m.signIn.title}>
        <div class="card sign-in-card">
          {loginErrorText ? (
            <div class="alert error" role="alert" data-testid="login-error">
              <Icon name="alert" />
              <div>
                <p>
                  <strong>{m.signIn.failedTitle}</strong>
                </p>
                <p>{loginErrorText}</p>
              </div>
            </div>
          ) : endedText ? (
            <div class="alert warning" role="alert">
              <Icon name="alert" />
              <p>{endedText}</p>
            </div>
          ) : null}
          <p class="lead">{m.signIn.intro}</p>
          <form onSubmit={(event) => void submit(event)} noValidate>
            <div class="field">
              <label for="identifier">{m.signIn.identifierLabel}</label>
              <input
                ref={input}
                id="identifier"
                name="username"
                class="input"
                type="text"
                inputMode="email"
                autoComplete="username"
                autoCapitalize="none"
                spellcheck={false}
                value={identifier}
                onInput={(event) => setIdentifier(event.currentTarget.value)}
                aria-invalid={problem ? 'true' : undefined}
                aria-describedby={problem ? 'identifier-error identifier-hint' : 'identifier-hint'}
                placeholder="alice.bsky.social"
              />
              <span id="identifier-hint" class="hint">
                {m.signIn.identifierHint}
              </span>
              {problem ? (
                <span id="identifier-error" class="field-error" role="alert">
                  {problem}
                </span>
              ) : null}
            </div>
            {failure ? (
              <div class="alert error" role="alert">
                <Icon name="alert" />
                <p>{failure}</p>
              </div>
            ) : null}
            <button type="submit" class="button primary block" disabled={busy}>
              {busy ? <span class="spinner" aria-hidden="true" /> : null}
              {busy ? m.signIn.submitting : m.signIn.submit}
            </button>
          </form>
          <section class="sign-in-steps" aria-labelledby="sign-in-steps">
            <h2 id="sign-in-steps">{m.signIn.whatHappens}</h2>
            <ol>
              {m.signIn.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          </section>
        </div>
      </Page>
      <section class="sign-in-hero" aria-labelledby="sign-in-hero">
        <h2 id="sign-in-hero" class="hero-title">
          {m.signIn.heroTitle}
        </h2>
        <ul class="hero-points">
          {m.signIn.heroPoints.map((point, index) => (
            <li key={point.title}>
              <span class="hero-icon">
                <Icon name={(['clock', 'shield', 'bell'] as const)[index] ?? 'check'} size={22} />
              </span>
              <div>
                <strong>{point.title}</strong>
                <p>{point.body}</p>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
