import { useContext, useState, type KeyboardEvent } from 'react';
import { webhookUrlSchema } from '@tickwatch/shared';
import { ApiRequestError, type Api } from '../../api/http';
import { FieldScopeContext } from './field-scope';
import { TextField } from './TextField';
import { useChannelSettings } from './useChannelSettings';

const PATH = 'webhook_url';

/**
 * Where webhook alerts go, set here rather than with the alert: the URL, saved on its own, and the signing secret,
 * generated (or rotated) by the server and shown only in the answer that made it (docs/webhooks.md).
 */
export function WebhookTarget({ api }: { api: Api | undefined }) {
  const { channels, checking, save, rotateWebhookSecret } = useChannelSettings(api);
  const { idBase } = useContext(FieldScopeContext);
  // What the user typed; null until they type, so the saved URL shows once it has loaded.
  const [typed, setTyped] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Replacing a secret breaks the receiver until it has the new one: that takes a second, deliberate click.
  const [confirming, setConfirming] = useState(false);
  const value = typed ?? channels?.webhook_url ?? '';

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      const issue = err instanceof ApiRequestError ? err.issues.find((i) => i.path === PATH) : undefined;
      setError(issue?.message ?? (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function saveUrl() {
    const url = value.trim();
    const parsed = webhookUrlSchema.nullable().safeParse(url === '' ? null : url);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Invalid URL');
      return;
    }
    void run(async () => {
      await save({ webhook_url: parsed.data });
      setTyped(null);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter saves the URL, not the whole alert form around it.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    saveUrl();
  }

  const rotate = () =>
    run(async () => {
      setConfirming(false);
      setSecret(null);
      setSecret(await rotateWebhookSecret());
    });

  return (
    <div className="af-channel" data-testid="alert-webhook">
      <p className="af-hint" data-testid="alert-webhook-note">
        {webhookNote(channels?.webhook_url ?? null, channels?.webhook_secret_set ?? false, checking)}
      </p>
      <FieldScopeContext value={{ idBase, errors: error ? { [PATH]: error } : {} }}>
        <TextField
          path={PATH}
          label="Webhook URL"
          hint="Each fire is POSTed here as signed JSON"
          testId="alert-webhook-url"
          type="url"
          autoComplete="off"
          placeholder="https://hooks.example.com/tickwatch"
          value={value}
          onChange={(next) => {
            setTyped(next);
            setError(null);
          }}
          onKeyDown={onKeyDown}
        />
      </FieldScopeContext>
      <div className="af-actions">
        <button type="button" onClick={saveUrl} disabled={busy || !api} data-testid="alert-webhook-save">
          Save URL
        </button>
        <button
          type="button"
          onClick={() => (channels?.webhook_secret_set ? setConfirming(true) : void rotate())}
          disabled={busy || !api || confirming}
          data-testid="alert-webhook-rotate"
        >
          {channels?.webhook_secret_set ? 'Rotate secret' : 'Generate secret'}
        </button>
      </div>
      {confirming ? (
        <div className="af-actions" role="group" aria-label="Confirm rotating the secret">
          <span className="af-hint" data-testid="alert-webhook-confirm-note">
            A new secret replaces the current one at once: your receiver stops verifying until it has the new one.
          </span>
          <button type="button" onClick={() => void rotate()} disabled={busy} data-testid="alert-webhook-confirm">
            Rotate now
          </button>
          <button type="button" onClick={() => setConfirming(false)} data-testid="alert-webhook-cancel">
            Keep the current secret
          </button>
        </div>
      ) : null}
      {secret ? (
        <div className="af-field">
          <label htmlFor={`${idBase}-webhook-secret`}>Signing secret</label>
          <input
            id={`${idBase}-webhook-secret`}
            data-testid="alert-webhook-secret"
            readOnly
            value={secret}
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="af-hint">
            Copy it to your receiver now: it is not shown again. A new one replaces it, and the old one stops working.
          </span>
        </div>
      ) : null}
    </div>
  );
}

function webhookNote(url: string | null, secretSet: boolean, checking: boolean): string {
  if (checking) return 'Checking your notification channels…';
  if (!url) return 'You have no webhook URL yet: save one here, then generate a signing secret.';
  return secretSet ? `Sent to ${url}, signed with your secret` : `Sent to ${url}: generate a signing secret first`;
}
