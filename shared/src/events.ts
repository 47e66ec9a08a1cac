import { z } from 'zod';
import type { NotificationRecord } from './alerts.js';
import type { Ack } from './api.js';
import type { FeedBlindNotice, SymbolHealth } from './feed-health.js';
import { storable } from './numbers.js';
import { MAX_EPOCH_MS, type Tick } from './ticks.js';

export interface TickSubscription {
  /** Symbols now subscribed on this socket, normalised to upper case. */
  subscribed: string[];
  /** Entries that are not ticker symbols; nothing was subscribed for them. */
  invalid: string[];
}

export const replayRequestSchema = z.strictObject({
  /**
   * The newest `triggered_at` (epoch ms) this client has seen; everything newer is sent again. 0 for "everything";
   * a time past the newest record (up to MAX_EPOCH_MS) replays nothing.
   */
  after: storable(z.number().nonnegative().max(MAX_EPOCH_MS)),
});
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/** What a trader reads when the session ends under them: on a socket's `session:expired`, or a 401 on a request. */
export const SESSION_EXPIRED_MESSAGE = 'Your session has expired: sign in again to see your alerts.';

/** Sent once when the socket's token expires: it stays connected for public prices, without the user's alerts. */
export interface SessionExpired {
  /** The token's `exp`, epoch seconds. */
  expired_at: number;
  /** What to tell the trader. */
  message: string;
}

export interface ServerToClientEvents {
  /**
   * Conflated price updates: the newest tick of each subscribed symbol that changed since the last frame, one frame
   * every TICK_FLUSH_MS at most (docs/socket-api.md).
   */
  ticks: (frame: Tick[]) => void;
  /** A fire of one of this user's alerts, live or replayed; acknowledge it once shown. */
  'alert:triggered': (record: NotificationRecord, ack: (received: boolean) => void) => void;
  /** A record's delivery status changed (sent, failed with a reason). */
  'notification:updated': (record: NotificationRecord) => void;
  /**
   * The token the socket signed in with has expired: the socket has left the user's room and is anonymous now (no
   * fires, no replay; prices go on). Sign in again and reconnect with the new token.
   */
  'session:expired': (notice: SessionExpired) => void;
  /**
   * Feed health of subscribed symbols: each one's state right after `ticks:subscribe`, then the entries whose state
   * changed (live, quiet since, never seen, not carried), to the sockets subscribed to them.
   */
  'symbols:health': (entries: SymbolHealth[]) => void;
  /** Signed-in sockets that opted in (`PUT /api/me/feed-alerts`): a symbol they alert on has been blind too long. */
  'feed:blind': (notice: FeedBlindNotice) => void;
}

export interface ClientToServerEvents {
  'ticks:subscribe': (symbols: string[], ack: (result: Ack<TickSubscription>) => void) => void;
  'ticks:unsubscribe': (symbols: string[], ack: (result: Ack<TickSubscription>) => void) => void;
  /** Signed-in sockets only: re-send this user's fires newer than `after`, oldest first, as `alert:triggered`. */
  'notifications:replay': (request: ReplayRequest, ack: (result: Ack<{ replayed: number }>) => void) => void;
}

/** Between server processes, through the Socket.IO adapter: none yet. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Socket.IO's generic slot
export interface InterServerEvents {}

/**
 * Per-socket state. Tick subscriptions are Socket.IO rooms (`ticks:<SYMBOL>`) and a signed-in socket is in the
 * room `user:<id>`, so that an adapter can route both across server processes.
 */
export interface SocketData {
  /** Set once the handshake token is verified; absent on anonymous (public feed only) sockets. */
  userId?: string;
  /** The verified token's `exp` (epoch seconds): when the socket stops being the user's. */
  expiresAt?: number;
}

export const MAX_SYMBOLS_PER_SUBSCRIBE = 200;

/** Records one `notifications:replay` sends at most; a full page means the client should ask again. */
export const MAX_REPLAY = 500;
