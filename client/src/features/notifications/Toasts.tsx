import type { KeyboardEvent } from 'react';
import { METHOD_LABELS } from '@tickwatch/shared';
import type { Toast } from './useNotifications';
import './toasts.css';

const timeOf = (epochMs: number) => new Date(epochMs).toLocaleTimeString();

/**
 * Fired alerts as a stack of toasts (top right; full width on narrow screens), newest on top. Each is an alert to
 * assistive technology; its dismiss button is in the tab order and Escape inside a toast dismisses it too.
 */
export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: string) => void }) {
  return (
    <section className="nt-stack" aria-live="assertive" aria-label="Fired alerts" data-testid="toasts">
      {toasts.map(({ record }) => {
        const dismiss = () => onDismiss(record.notification_id);
        const onKeyDown = (event: KeyboardEvent) => {
          if (event.key === 'Escape') dismiss();
        };
        return (
          <div
            key={record.notification_id}
            className="nt-toast"
            role="alert"
            data-testid="toast"
            data-notification-id={record.notification_id}
            onKeyDown={onKeyDown}
          >
            <p className="nt-message">{record.message}</p>
            <p className="nt-meta">
              <time dateTime={new Date(record.triggered_at).toISOString()}>{timeOf(record.triggered_at)}</time>
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
    </section>
  );
}
