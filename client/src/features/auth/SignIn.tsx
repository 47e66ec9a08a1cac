import { useEffect, useState, type FormEvent } from 'react';
import { userIdSchema, type AuthSettings } from '@tickwatch/shared';
import { createApi } from '../../api/http';
import type { Session } from '../../api/session';

/**
 * Dev mode: pick any user id. With an identity provider (AUTH_MODE=jwt): paste the access token it issued; the
 * server verifies it and tells us whose it is.
 */
export function SignIn({
  onSignedIn,
  notice = null,
}: {
  onSignedIn: (session: Session) => void;
  /** Why the trader has to sign in again (a session that expired), shown above the form. */
  notice?: string | null;
}) {
  const [settings, setSettings] = useState<AuthSettings | null>(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    createApi(null)
      .authSettings()
      .then(setSettings)
      .catch(() => setError('The server is not answering. Try again in a moment.'));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const jwtMode = settings?.mode === 'jwt';
    if (!value.trim()) {
      setError(jwtMode ? 'Paste the access token to sign in.' : 'Enter a user name to sign in.');
      return;
    }
    setBusy(true);
    try {
      if (jwtMode) {
        const token = value.trim();
        const me = await createApi(token).me();
        onSignedIn({ token, userId: me.user_id });
      } else {
        const parsed = userIdSchema.safeParse(value.trim());
        if (!parsed.success) {
          setError(`A user name ${parsed.error.issues[0]?.message ?? 'is not valid'}.`);
          return;
        }
        const { token, user_id } = await createApi(null).devLogin(parsed.data);
        onSignedIn({ token, userId: user_id });
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const jwt = settings?.mode === 'jwt';
  // Beside the field and read with it: the error names what to fix in this box.
  const described = error ? { 'aria-describedby': 'sign-in-error', 'aria-invalid': true } : {};
  return (
    <main className="sign-in">
      <h1>Tickwatch</h1>
      <p className="muted">Live prices and alerts that fire once, on time.</p>
      {notice ? (
        <p className="notice" role="status" data-testid="sign-in-notice">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} aria-label="Sign in" noValidate>
        <label htmlFor="sign-in-value">
          {jwt ? 'Access token from your identity provider' : 'User name (development sign-in)'}
        </label>
        {jwt ? (
          <textarea
            id="sign-in-value"
            data-testid="sign-in-token"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            rows={4}
            required
            {...described}
          />
        ) : (
          <input
            id="sign-in-value"
            data-testid="sign-in-user"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="username"
            placeholder="e.g. alice"
            required
            {...described}
          />
        )}
        {error ? (
          <p className="field-error" id="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy || !settings} data-testid="sign-in-submit">
          Sign in
        </button>
      </form>
    </main>
  );
}
