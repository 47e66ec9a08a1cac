import type { KeyboardEvent } from 'react';
import { METHOD_LABELS } from '@tickwatch/shared';
import { formatMoment } from '../../format';
import type { Toast } from './useNotifications';
import './toasts.css';

/**
 * Fired alerts as a stack of toasts in the bottom-right corner (along the bottom on a phone), clear of the header's
 * controls; the newest is first in reading order and nearest the corner. Repeats of one alert share a toast with a
 * count. Each is an alert to assistive technology; its dismiss button is in the tab order and Escape inside a toast
 * dismisses it too.
 */
export function Toasts({
  toasts,
  onDismiss,
  onDismissAll,
}: {
  toasts: Toast[];
  /** Closes the toast of this alert id. */
  onDismiss: (alertId: string) => void;
  onDismissAll: () => void;
}) {
  return (
    <section className="nt-stack" aria-live="assertive" aria-label="Fired alerts" data-testid="toasts">
      {toasts.map(({ record, count }) => {
        const dismiss = () => onDismiss(record.alert_id);
        const onKeyDown = (event: KeyboardEvent) => {
          if (event.key !== 'Escape') return;
          // The page's own Escape (leaving the full-width history) must not act on the same key press.
          event.preventDefault();
          dismiss();
        };
        return (
          <div
            key={record.alert_id}
            className="nt-toast"
            role="alert"
            data-testid="toast"
            data-notification-id={record.notification_id}
            data-alert-id={record.alert_id}
            onKeyDown={onKeyDown}
          >
            <p className="nt-message" title={record.message}>
              {record.message}
            </p>
            <p className="nt-meta">
              {count > 1 ? (
                <span className="nt-count" data-testid="toast-count" title={`Fired ${count} times`}>
                  ×{count}
                </span>
              ) : null}
              <time dateTime={new Date(record.triggered_at).toISOString()}>
                {formatMoment(record.triggered_at, Date.now())}
              </time>
              {' · '}
              <span data-testid="toast-method">{METHOD_LABELS[record.notification_method]}</span>
            </p>
            <button
              type="button"
              className="nt-dismiss"
              aria-label="Dismiss"
              data-testid="toast-dismiss"
              onClick={dismiss}
            >
              ×
            </button>
          </div>
        );
      })}
      {toasts.length >= 2 ? (
        <button type="button" className="nt-dismiss-all" data-testid="toasts-dismiss-all" onClick={onDismissAll}>
          Dismiss all
        </button>
      ) : null}
    </section>
  );
}
