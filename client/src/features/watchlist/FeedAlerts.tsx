import { useEffect, useId, useState, type FormEvent } from 'react';
import { FEED_ALERT_MINUTES, feedAlertSettingsSchema, type FeedBlindNotice } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';
import { formatClock } from '../../format';

const DEFAULT_MINUTES = 15;

/**
 * The opt-in to be told when a symbol one alerts on has been blind (no trade while its market is open) for more
 * than N minutes, and the notices the server sends for it (`feed:blind`). Notices live in this tab only: they are
 * not alert fires and are not in the history.
 */
export function FeedAlerts({ api, socket }: { api: Api; socket: TickwatchSocket }) {
  const id = useId();
  const [enabled, setEnabled] = useState(false);
  const [minutes, setMinutes] = useState(String(DEFAULT_MINUTES));
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [notices, setNotices] = useState<FeedBlindNotice[]>([]);

  useEffect(() => {
    let live = true;
    api
      .feedAlerts()
      .then(({ blind_minutes }) => {
        if (!live) return;
        setEnabled(blind_minutes !== null);
        if (blind_minutes !== null) setMinutes(String(blind_minutes));
        setLoaded(true);
      })
      .catch(() => live && setMessage({ error: true, text: 'Could not load your feed alert setting' }));
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => {
    const add = (notice: FeedBlindNotice) => setNotices((current) => [notice, ...current].slice(0, 20));
    socket.on('feed:blind', add);
    return () => void socket.off('feed:blind', add);
  }, [socket]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const parsed = feedAlertSettingsSchema.safeParse({ blind_minutes: enabled ? Number(minutes) : null });
    if (!parsed.success || (enabled && minutes.trim() === '')) {
      setMessage({
        error: true,
        text: `Minutes must be a whole number from ${FEED_ALERT_MINUTES.min} to ${FEED_ALERT_MINUTES.max}`,
      });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.setFeedAlerts(parsed.data);
      setMessage({
        error: false,
        text: saved.blind_minutes === null ? 'Feed alerts off' : `Saved: after ${saved.blind_minutes} min`,
      });
    } catch (err) {
      setMessage({ error: true, text: err instanceof Error ? err.message : 'Could not save' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="wl-feed-alerts" aria-labelledby={`${id}-title`} data-testid="feed-alerts">
      <h3 id={`${id}-title`} className="wl-subheading">
        Feed alerts
      </h3>
      <form className="wl-feed-form" onSubmit={save} noValidate>
        <label className="wl-feed-toggle">
          <input
            type="checkbox"
            checked={enabled}
            disabled={!loaded}
            data-testid="feed-alert-enabled"
            onChange={(e) => setEnabled(e.target.checked)}
          />
          <span>Tell me when a symbol I alert on has had no trade for more than</span>
        </label>
        <div className="wl-feed-row">
          <label htmlFor={`${id}-minutes`} className="wl-sr-only">
            Minutes without a trade
          </label>
          <input
            id={`${id}-minutes`}
            className="wl-feed-minutes"
            type="number"
            inputMode="numeric"
            min={FEED_ALERT_MINUTES.min}
            max={FEED_ALERT_MINUTES.max}
            step={1}
            value={minutes}
            disabled={!loaded || !enabled}
            data-testid="feed-alert-minutes"
            aria-invalid={message?.error ? true : undefined}
            aria-describedby={message ? `${id}-message` : undefined}
            onChange={(e) => setMinutes(e.target.value)}
          />
          <span aria-hidden="true">min</span>
          <button type="submit" disabled={!loaded || busy} data-testid="feed-alert-save">
            Save
          </button>
        </div>
        {message ? (
          <p
            id={`${id}-message`}
            className={message.error ? 'wl-error' : 'wl-muted'}
            role={message.error ? 'alert' : 'status'}
            data-testid="feed-alert-message"
          >
            {message.text}
          </p>
        ) : null}
      </form>
      <ul className="wl-feed-notices" aria-live="polite" data-testid="feed-notices">
        {notices.map((notice) => (
          <li key={`${notice.symbol}-${notice.since}`} className="wl-feed-notice" data-testid="feed-notice">
            <span>
              {notice.symbol} has had no trade since {formatClock(notice.since)} (over {notice.minutes} min).
            </span>
            <button
              className="wl-button"
              type="button"
              aria-label={`Dismiss the notice about ${notice.symbol}`}
              onClick={() => setNotices((current) => current.filter((n) => n !== notice))}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
