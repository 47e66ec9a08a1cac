import { useState } from 'react';
import { METHOD_LABELS, STATE_LABELS, describeCondition, describeRule, type Alert } from '@tickwatch/shared';
import { describeApiError, type Api } from '../../api/http';
import { formatMoment } from '../../format';
import { AlertForm } from './AlertForm';
import type { AlertsState } from './useAlerts';
import './alerts.css';

/**
 * The user's alerts: what each waits for, where it stands, and controls to pause, edit or delete it. `api`, when
 * given, lets the inline edit form set an email/SNS target; without it the server's check on save still applies.
 */
export function AlertList({ alerts, api }: { alerts: AlertsState; api?: Api }) {
  if (alerts.loading && alerts.alerts.length === 0) {
    return (
      <p className="al-empty" data-testid="alert-list-loading">
        Loading alerts…
      </p>
    );
  }
  return (
    <section className="al-list" aria-label="Your alerts" data-testid="alert-list">
      {alerts.error ? (
        <p className="al-error" role="alert" data-testid="alert-list-error">
          Could not load your alerts: {alerts.error}{' '}
          <button type="button" onClick={() => void alerts.reload()}>
            Retry
          </button>
        </p>
      ) : null}
      {alerts.alerts.length === 0 ? (
        alerts.error ? null : (
          <p className="al-empty" data-testid="alert-list-empty">
            No alerts yet
          </p>
        )
      ) : (
        <ul className="al-rows">
          {alerts.alerts.map((alert) => (
            <AlertRow key={alert.alert_id} alert={alert} alerts={alerts} api={api} />
          ))}
        </ul>
      )}
    </section>
  );
}

const localTime = (epochSeconds: number) => new Date(epochSeconds * 1000).toLocaleString();
const isoTime = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
/** "14:32" today, "Nov 28 14:32" another day: the list is narrow, the full time is in the title. */
const shortTime = (epochSeconds: number) => formatMoment(epochSeconds * 1000, Date.now(), false);

function AlertRow({ alert, alerts, api }: { alert: Alert; alerts: AlertsState; api: Api | undefined }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const showNote = alert.status_note && alert.status_note !== STATE_LABELS[alert.state];
  const described = describeCondition(alert);
  const rules = [
    alert.trigger_mode === 'once' ? 'fires once' : null,
    alert.cooldown_seconds > 0 ? `cooldown ${alert.cooldown_seconds} s` : null,
  ].filter((d) => d !== null);

  return (
    <li
      className={`al-row al-row-${alert.state}`}
      data-testid={`alert-row-${alert.alert_id}`}
      data-symbol={alert.symbol}
      data-state={alert.state}
    >
      <div className="al-main">
        <span className="al-symbol" data-testid="alert-list-symbol">
          {alert.symbol}
        </span>{' '}
        <span className="al-condition" data-testid="alert-condition" title={described}>
          {describeRule(alert)}
        </span>{' '}
        <span className="al-state" data-testid="alert-state" data-state={alert.state}>
          <span className={`al-badge al-badge-${alert.state}`}>{STATE_LABELS[alert.state]}</span>
        </span>
      </div>
      {showNote || alert.blind_since !== null ? (
        <div className="al-status">
          {alert.blind_since !== null ? (
            <span
              className="al-blind"
              data-testid="alert-blind"
              title={`No price from the feed for ${alert.symbol} since ${new Date(alert.blind_since).toLocaleString()}`}
            >
              <time dateTime={new Date(alert.blind_since).toISOString()}>
                blind since {formatMoment(alert.blind_since, Date.now(), false)}
              </time>
            </span>
          ) : null}
          {showNote ? (
            <span className="al-status-note" data-testid="alert-status-note">
              {alert.status_note}
            </span>
          ) : null}
        </div>
      ) : null}
      {alert.note ? (
        <div className="al-note" data-testid="alert-list-note">
          {alert.note}
        </div>
      ) : null}
      <dl className="al-meta">
        <div>
          <dt className="al-sr-only">Notify by</dt>
          <dd data-testid="alert-list-method">{METHOD_LABELS[alert.notification_method]}</dd>
        </div>
        <div>
          <dt>Fired</dt>
          <dd data-testid="alert-trigger-count">{alert.trigger_count}</dd>
        </div>
        <div>
          <dt>Last</dt>
          <dd data-testid="alert-last-triggered">
            {alert.last_triggered === null ? (
              'never'
            ) : (
              <time dateTime={isoTime(alert.last_triggered)} title={localTime(alert.last_triggered)}>
                {shortTime(alert.last_triggered)}
              </time>
            )}
          </dd>
        </div>
        {alert.expires_at !== null ? (
          <div>
            <dt>Expires</dt>
            <dd data-testid="alert-expires-at">
              <time dateTime={isoTime(alert.expires_at)} title={localTime(alert.expires_at)}>
                {shortTime(alert.expires_at)}
              </time>
            </dd>
          </div>
        ) : null}
        {rules.length > 0 ? (
          <div>
            <dt className="al-sr-only">Rules</dt>
            <dd>{rules.join(', ')}</dd>
          </div>
        ) : null}
      </dl>
      <div className="al-actions">
        <label className="al-toggle">
          <input
            type="checkbox"
            aria-label={`Enabled: ${described}`}
            data-testid="alert-toggle"
            checked={alert.enabled}
            disabled={busy}
            onChange={(e) => {
              const enabled = e.target.checked;
              void run(() => alerts.update(alert.alert_id, { enabled }));
            }}
          />
          <span aria-hidden="true">On</span>
        </label>
        <button
          type="button"
          className="al-button"
          onClick={() => {
            setConfirming(false);
            setEditing((v) => !v);
          }}
          aria-expanded={editing}
          aria-label={`Edit ${described}`}
          disabled={busy}
          data-testid="alert-edit"
        >
          Edit
        </button>
        {confirming ? (
          <span className="al-confirm" role="group" aria-label={`Confirm deleting ${described}`}>
            <span>Delete?</span>
            <button
              type="button"
              className="al-button al-danger"
              disabled={busy}
              onClick={() => void run(() => alerts.remove(alert.alert_id))}
              data-testid="alert-delete-confirm"
            >
              Delete
            </button>
            <button
              type="button"
              className="al-button"
              disabled={busy}
              onClick={() => setConfirming(false)}
              data-testid="alert-delete-cancel"
            >
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="al-button"
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
            aria-label={`Delete ${described}`}
            disabled={busy}
            data-testid="alert-delete"
          >
            Delete
          </button>
        )}
      </div>
      {error ? (
        <p className="al-error" role="alert" data-testid="alert-action-error">
          {error}
        </p>
      ) : null}
      {editing ? (
        <div className="al-edit">
          <AlertForm
            api={api}
            alerts={alerts}
            defaultSymbol={alert.symbol}
            editing={alert}
            onDone={() => setEditing(false)}
          />
        </div>
      ) : null}
    </li>
  );
}
