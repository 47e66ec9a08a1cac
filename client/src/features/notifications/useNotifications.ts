import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_REPLAY, type NotificationRecord } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';
import { addFire, unexpired, untilFirstExpiry, type Toast } from './toast-stack';

export type { Toast } from './toast-stack';

const TOAST_MS = 8_000;
const MAX_REPLAY_PAGES = 20;
const REPLAY_TIMEOUT_MS = 15_000;
const MAX_TOASTS = 5;

export interface NotificationsState {
  unread: number;
  toasts: Toast[];
  /** Fires and status changes seen on this page, newest first: the history view merges them in live. */
  recent: NotificationRecord[];
  markAllRead(): void;
  /** Closes the toast of one alert (all its grouped fires). */
  dismiss(alertId: string): void;
  dismissAll(): void;
}

/**
 * Live and replayed fires for the signed-in user. On every (re)connect it asks for everything newer than the
 * newest fire this browser has seen (kept per user), so nothing fired while the page was closed or the connection
 * was down is missed; records are de-duplicated by notification_id, so none is shown twice.
 */
export function useNotifications(
  api: Api,
  socket: TickwatchSocket,
  userId: string,
  onFire?: (record: NotificationRecord) => void,
): NotificationsState {
  const seenKey = `tickwatch.lastSeen.${userId}`;
  const unreadKey = `tickwatch.unread.${userId}`;
  const [unread, setUnread] = useState(() => Number(localStorage.getItem(unreadKey) ?? 0));
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [recent, setRecent] = useState<NotificationRecord[]>([]);
  const seen = useRef(new Set<string>());
  const onFireRef = useRef(onFire);
  onFireRef.current = onFire;

  useEffect(() => {
    localStorage.setItem(unreadKey, String(unread));
  }, [unread, unreadKey]);

  useEffect(() => {
    const lastSeen = () => Number(localStorage.getItem(seenKey) ?? 0);
    const onTriggered = (record: NotificationRecord, ack: (received: boolean) => void) => {
      ack(true);
      if (seen.current.has(record.notification_id)) return;
      seen.current.add(record.notification_id);
      if (record.triggered_at > lastSeen()) localStorage.setItem(seenKey, String(record.triggered_at));
      setUnread((n) => n + 1);
      setRecent((current) => [record, ...current].sort((a, b) => b.triggered_at - a.triggered_at));
      setToasts((current) => addFire(current, record, Date.now(), MAX_TOASTS));
      onFireRef.current?.(record);
    };
    const onUpdated = (record: NotificationRecord) => {
      setRecent((current) => {
        const others = current.filter((r) => r.notification_id !== record.notification_id);
        return [record, ...others].sort((a, b) => b.triggered_at - a.triggered_at);
      });
    };
    const replay = async () => {
      // A browser that has never seen this user's fires starts after the newest one in the history: older fires
      // are there to browse, not to pop up as toasts.
      if (localStorage.getItem(seenKey) === null) {
        const { items } = await api.notifications({ limit: 1 });
        localStorage.setItem(seenKey, String(items[0]?.triggered_at ?? 0));
      }
      // A full page means more may be waiting: ask again from the newest fire received (bounded, as each page's
      // acknowledgements settle records the next request would otherwise return again).
      for (let page = 0; page < MAX_REPLAY_PAGES; page++) {
        const result = await socket
          .timeout(REPLAY_TIMEOUT_MS)
          .emitWithAck('notifications:replay', { after: lastSeen() });
        if (!result.ok || result.data.replayed < MAX_REPLAY) return;
      }
    };
    const onConnect = () => void replay().catch(() => {});
    socket.on('alert:triggered', onTriggered);
    socket.on('notification:updated', onUpdated);
    socket.on('connect', onConnect);
    if (socket.connected) onConnect();
    return () => {
      socket.off('alert:triggered', onTriggered);
      socket.off('notification:updated', onUpdated);
      socket.off('connect', onConnect);
    };
  }, [api, socket, seenKey]);

  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(
      () => setToasts((current) => unexpired(current, Date.now(), TOAST_MS)),
      // A little past the expiry: a timer firing a hair early would find nothing to drop and set no new timer.
      untilFirstExpiry(toasts, Date.now(), TOAST_MS) + 50,
    );
    return () => clearTimeout(timer);
  }, [toasts]);

  const markAllRead = useCallback(() => setUnread(0), []);
  const dismiss = useCallback(
    (alertId: string) => setToasts((current) => current.filter((t) => t.record.alert_id !== alertId)),
    [],
  );
  const dismissAll = useCallback(() => setToasts([]), []);
  return { unread, toasts, recent, markAllRead, dismiss, dismissAll };
}
