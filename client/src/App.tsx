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
import { ThemeToggle } from './features/theme/ThemeToggle';
import { useMediaQuery } from './use-media-query';

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

/** The side panel's tabs; the watchlist is one of them only where it has no column of its own. */
type Tab = 'watchlist' | 'alerts' | 'history';
/** The main area: the chart with its panels, or the notification history across the whole width. */
type View = 'chart' | 'history';

/** Narrower than this, the watchlist moves from its own column into the side panel's tabs (layout.css). */
const COMPACT = '(max-width: 1100px)';
/** A phone: one column, chart first (layout.css). */
const PHONE = '(max-width: 700px)';

// The full-width history is a step in the browser's history, so Back returns to the chart.
const HISTORY_STATE = 'tickwatchView';
const viewInHistory = (state: unknown): View =>
  (state as Record<string, unknown> | null)?.[HISTORY_STATE] === 'history' ? 'history' : 'chart';

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
  const compact = useMediaQuery(COMPACT);
  const phone = useMediaQuery(PHONE);
  const [tab, setTab] = useState<Tab>(() => (window.matchMedia(COMPACT).matches ? 'watchlist' : 'alerts'));
  // The watchlist has its own column on a wide screen: its tab, chosen on a narrow one, shows the alerts there.
  const shownTab: Tab = tab === 'watchlist' && !compact ? 'alerts' : tab;
  const [view, setView] = useState<View>(() => viewInHistory(window.history.state));
  // A phone shows the history in its tab, full width already.
  const shownView: View = phone ? 'chart' : view;
  const openHistoryFull = () => {
    notifications.markAllRead();
    if (view === 'history') return;
    window.history.pushState({ [HISTORY_STATE]: 'history' }, '');
    setView('history');
  };
  const backToChart = useCallback(() => {
    if (viewInHistory(window.history.state) === 'history') window.history.back();
    else setView('chart');
  }, []);
  useEffect(() => {
    const onPopState = (event: PopStateEvent) => setView(viewInHistory(event.state));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);
  useEffect(() => {
    if (shownView !== 'history') return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      // Escape in a field or an open dialog belongs to that control.
      if (event.target instanceof Element && event.target.closest('input, select, textarea, dialog, [role="dialog"]'))
        return;
      backToChart();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [shownView, backToChart]);
  const openTab = (next: Tab) => {
    setTab(next);
    if (next === 'history') notifications.markAllRead();
  };
  const symbol = selected && watchlist.symbols.includes(selected) ? selected : (watchlist.symbols[0] ?? null);
  // One array while the alerts and the symbol stay: the chart derives its levels and panes from it, every tick.
  const chartAlerts = useMemo(
    () => alerts.alerts.filter((a) => a.symbol === symbol && a.enabled),
    [alerts.alerts, symbol],
  );
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
  const showOnChartFromFull = (record: NotificationRecord): string | null => {
    const problem = showOnChart(record);
    if (problem === null) backToChart();
    return problem;
  };
  // One array while neither changes: the chart's canvas is memoised on it and the dashboard renders on every tick.
  const markers = useMemo(
    () => [
      ...(preview?.symbol === symbol ? preview.markers : []),
      ...(shownFire?.symbol === symbol ? [shownFire.marker] : []),
    ],
    [preview, shownFire, symbol],
  );

  const watchlistPanel = (
    <>
      <WatchlistPanel watchlist={watchlist} selected={symbol} onSelect={setSelected} />
      <FeedAlerts api={api} socket={socket} />
    </>
  );
  const tabButton = (id: Tab, label: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-controls={`panel-${id}`}
      aria-selected={shownTab === id}
      onClick={() => openTab(id)}
      data-testid={`tab-${id}`}
    >
      {label}
    </button>
  );

  return (
    <div className="app" data-view={shownView}>
      <header className="topbar">
        <h1>Tickwatch</h1>
        {phone ? null : (
          <div className="view-switch" role="group" aria-label="Main view">
            <button type="button" aria-pressed={shownView === 'chart'} onClick={backToChart} data-testid="view-chart">
              Chart
            </button>
            <button
              type="button"
              aria-pressed={shownView === 'history'}
              onClick={openHistoryFull}
              data-testid="view-history-full"
            >
              History
            </button>
          </div>
        )}
        <div className="topbar-end">
          <ConnectionBadge state={connection} />
          <button
            type="button"
            className="badge-button"
            data-testid="unread-badge"
            data-unread={notifications.unread > 0}
            onClick={() => openTab('history')}
          >
            <span className="count">{notifications.unread}</span>
            <span className="badge-label"> unread {notifications.unread === 1 ? 'alert' : 'alerts'}</span>
          </button>
          <ThemeToggle />
          <span className="user" data-testid="signed-in-user" title={session.userId}>
            {session.userId}
          </span>
          <button type="button" onClick={onSignOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <Toasts toasts={notifications.toasts} onDismiss={notifications.dismiss} onDismissAll={notifications.dismissAll} />
      {shownView === 'history' ? (
        <main className="history-full" data-testid="history-full" aria-labelledby="history-full-title">
          <h2 id="history-full-title">Notification history</h2>
          <NotificationHistory api={api} live={notifications.recent} onShowOnChart={showOnChartFromFull} />
        </main>
      ) : null}
      {/* Hidden, not unmounted, behind the full-width history: the chart keeps its data and range. */}
      <main className="layout" hidden={shownView === 'history'}>
        {compact ? null : (
          <section className="watchlist-area" aria-label="Watchlist">
            {watchlistPanel}
          </section>
        )}
        <section className="chart-area" aria-label="Chart" data-testid="chart-area">
          {symbol ? (
            <PriceChart
              api={api}
              symbol={symbol}
              live={watchlist.rows.get(symbol)?.last ?? null}
              alerts={chartAlerts}
              markers={markers}
              onAlertAtPrice={(pick, price) => {
                setPrefill(prefillAtPrice(pick, price, watchlist.rows.get(pick)?.last?.price ?? null));
                setTab('alerts');
              }}
              onMoveLevel={alerts.update}
              {...(shownFire?.symbol === symbol ? { rangeRequest: shownFire.request } : {})}
            />
          ) : (
            <p className="muted chart-empty">Add a symbol to your watchlist to see its chart.</p>
          )}
        </section>
        <section className="side-area" aria-label={compact ? 'Watchlist, alerts and history' : 'Alerts and history'}>
          <div
            role="tablist"
            aria-label={compact ? 'Watchlist, alerts and history' : 'Alerts and history'}
            className="tabs"
          >
            {compact ? tabButton('watchlist', 'Watchlist') : null}
            {tabButton('alerts', 'Alerts')}
            {tabButton('history', 'History')}
          </div>
          {shownTab === 'watchlist' ? (
            <div role="tabpanel" id="panel-watchlist" aria-labelledby="tab-watchlist" className="tab-panel">
              {watchlistPanel}
            </div>
          ) : shownTab === 'alerts' ? (
            <div role="tabpanel" id="panel-alerts" aria-labelledby="tab-alerts" className="tab-panel">
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
            <div role="tabpanel" id="panel-history" aria-labelledby="tab-history" className="tab-panel">
              {shownView === 'history' ? null : (
                <NotificationHistory api={api} live={notifications.recent} onShowOnChart={showOnChart} />
              )}
            </div>
          )}
        </section>
      </main>
    </div>
  );
}
