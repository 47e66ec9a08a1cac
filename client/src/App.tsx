import { useCallback, useEffect, useMemo, useState } from 'react';
import { SESSION_EXPIRED_MESSAGE, type NotificationRecord } from '@tickwatch/shared';
import { createApi } from './api/http';
import { loadSession, saveSession, type Session } from './api/session';
import { connectSocket } from './api/socket';
import type { ChartMarker } from './chart-markers';
import { AlertForm } from './features/alerts/AlertForm';
import { AlertList } from './features/alerts/AlertList';
import { prefillAtPrice, type AlertPrefill } from './features/alerts/prefill';
import type { PreviewMarkers } from './features/alerts/preview-model';
import { useAlerts } from './features/alerts/useAlerts';
import { SignIn } from './features/auth/SignIn';
import { PriceChart, rangeShowing, type RangeRequest } from './features/chart/PriceChart';
import { ConnectionBadge } from './features/connection/ConnectionBadge';
import { useConnection } from './features/connection/useConnection';
import { fireMoment } from './features/notifications/history';
import { NotificationHistory } from './features/notifications/NotificationHistory';
import { Toasts } from './features/notifications/Toasts';
import { useNotifications } from './features/notifications/useNotifications';
import { FeedAlerts } from './features/watchlist/FeedAlerts';
import { WatchlistPanel } from './features/watchlist/WatchlistPanel';
import { useWatchlist } from './features/watchlist/useWatchlist';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  /** Why the trader is back at sign-in when they did not sign out themselves. */
  const [notice, setNotice] = useState<string | null>(null);
  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  };
  const signOut = useCallback(() => {
    saveSession(null);
    setNotice(null);
    setSession(null);
  }, []);
  // The server no longer takes the token: it expired (the socket says so at `exp`, a request gets a 401) or the
  // server's secret changed. The alerts stop with it, so the dashboard asks for a new sign-in instead of going on
  // without them.
  const expired = useCallback(() => {
    saveSession(null);
    setNotice(SESSION_EXPIRED_MESSAGE);
    setSession(null);
  }, []);
  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <Dashboard key={session.token} session={session} onSignOut={signOut} onExpired={expired} />;
}

type Tab = 'alerts' | 'history';

function Dashboard({
  session,
  onSignOut,
  onExpired,
}: {
  session: Session;
  onSignOut: () => void;
  onExpired: () => void;
}) {
  const api = useMemo(() => createApi(session.token, onExpired), [session.token, onExpired]);
  const socket = useMemo(() => connectSocket(session.token), [session.token]);
  useEffect(() => {
    // StrictMode mounts twice in development: reconnect on the second mount instead of keeping a closed socket.
    if (!socket.connected) socket.connect();
    return () => void socket.disconnect();
  }, [socket]);

  const connection = useConnection(socket, onExpired);
  const watchlist = useWatchlist(api, socket);
  const alerts = useAlerts(api);
  const reloadAlerts = alerts.reload;
  // A fire changes the alert's trigger count and state: refresh the list.
  const notifications = useNotifications(api, socket, session.userId, () => void reloadAlerts());
  // A symbol gone blind changes the alerts' blind_since: refresh the list.
  useEffect(() => {
    const reload = () => void reloadAlerts();
    socket.on('feed:blind', reload);
    return () => void socket.off('feed:blind', reload);
  }, [socket, reloadAlerts]);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('alerts');
  const symbol = selected && watchlist.symbols.includes(selected) ? selected : (watchlist.symbols[0] ?? null);
  // The new-alert form's preview fires, drawn only on the chart of the draft's symbol.
  const [preview, setPreview] = useState<PreviewMarkers | null>(null);
  // A price picked on the chart: the new-alert form takes it once.
  const [prefill, setPrefill] = useState<AlertPrefill | null>(null);
  // A recorded fire opened from the history: its symbol, the range that shows it, and its marker.
  const [shownFire, setShownFire] = useState<{ symbol: string; request: RangeRequest; marker: ChartMarker } | null>(
    null,
  );
  const showOnChart = (record: NotificationRecord): string | null => {
    const moment = fireMoment(record);
    const range = rangeShowing(moment.time, Date.now());
    if (!range) return 'This fire is older than 24 hours, the longest the chart shows.';
    if (!watchlist.symbols.includes(record.symbol)) void watchlist.add(record.symbol);
    setSelected(record.symbol);
    setShownFire({
      symbol: record.symbol,
      request: { range },
      marker: { key: `fire-${record.notification_id}`, ...moment, label: record.message, kind: 'fire' },
    });
    return null;
  };
  // One array while neither changes: the chart's canvas is memoised on it and the dashboard renders on every tick.
  const markers = useMemo(
    () => [
      ...(preview?.symbol === symbol ? preview.markers : []),
      ...(shownFire?.symbol === symbol ? [shownFire.marker] : []),
    ],
    [preview, shownFire, symbol],
  );

  return (
    <div className="app">
      <header className="topbar">
        <h1>Tickwatch</h1>
        <ConnectionBadge state={connection} />
        <button
          type="button"
          className="badge-button"
          data-testid="unread-badge"
          aria-label={`${notifications.unread} unread alerts`}
          onClick={() => {
            setTab('history');
            notifications.markAllRead();
          }}
        >
          Alerts fired <span className="count">{notifications.unread}</span>
        </button>
        <span className="user" data-testid="signed-in-user">
          {session.userId}
        </span>
        <button type="button" onClick={onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <Toasts toasts={notifications.toasts} onDismiss={notifications.dismiss} />
      <main className="layout">
        <section className="watchlist-area" aria-label="Watchlist">
          <WatchlistPanel watchlist={watchlist} selected={symbol} onSelect={setSelected} />
          <FeedAlerts api={api} socket={socket} />
        </section>
        <section className="chart-area" aria-label="Chart">
          {symbol ? (
            <PriceChart
              api={api}
              symbol={symbol}
              live={watchlist.rows.get(symbol)?.last ?? null}
              alerts={alerts.alerts.filter((a) => a.symbol === symbol && a.enabled)}
              markers={markers}
              onAlertAtPrice={(pick, price) => {
                setPrefill(prefillAtPrice(pick, price, watchlist.rows.get(pick)?.last?.price ?? null));
                setTab('alerts');
              }}
              onMoveLevel={alerts.update}
              {...(shownFire?.symbol === symbol ? { rangeRequest: shownFire.request } : {})}
            />
          ) : (
            <p className="muted">Add a symbol to your watchlist to see its chart.</p>
          )}
        </section>
        <section className="side-area">
          <div role="tablist" aria-label="Alerts and history" className="tabs">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'alerts'}
              onClick={() => setTab('alerts')}
              data-testid="tab-alerts"
            >
              My alerts
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'history'}
              onClick={() => {
                setTab('history');
                notifications.markAllRead();
              }}
              data-testid="tab-history"
            >
              History
            </button>
          </div>
          {tab === 'alerts' ? (
            <div role="tabpanel" aria-label="My alerts">
              <AlertForm
                api={api}
                alerts={alerts}
                defaultSymbol={symbol}
                onPreviewMarkers={setPreview}
                prefill={prefill}
              />
              <AlertList alerts={alerts} api={api} />
            </div>
          ) : (
            <div role="tabpanel" aria-label="History">
              <NotificationHistory api={api} live={notifications.recent} onShowOnChart={showOnChart} />
            </div>
          )}
        </section>
      </main>
    </div>
  );
}
