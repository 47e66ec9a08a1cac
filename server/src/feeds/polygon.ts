import WebSocket from 'ws';
import { tickSchema, type FeedStatus } from '@tickwatch/shared';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';
import type { TickFeed, TickSink } from './feed.js';

export interface PolygonFeedOptions {
  apiKey: string;
  url: string;
  symbols: '*' | string[];
  /** Reconnect when the socket has been silent (no message, no pong) this long. */
  stallTimeoutMs: number;
  backoff?: { baseMs: number; maxMs: number };
}

const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Polygon allows a fixed number of sockets per key, so max_connections means another process holds the slot; it
 * is not going to free up within the usual seconds of back-off. Waits are this many base delays per consecutive
 * rejection (30 s, 60 s, … with the defaults), capped at MAX_CONNECTIONS_CAP_FACTOR × maxMs (5 min).
 */
const MAX_CONNECTIONS_BACKOFF_FACTOR = 30;
const MAX_CONNECTIONS_CAP_FACTOR = 10;

/** How long stop() waits for the server to acknowledge the close before dropping the socket. */
const STOP_GRACE_MS = 1_000;

const AUTH_FAILED_ERROR =
  'Polygon rejected POLYGON_API_KEY (auth_failed): check the key and that its plan includes websocket access';

type State = FeedStatus['state'];

/**
 * Client of the Polygon.io stocks websocket: waits for the server's `connected` status, authenticates, subscribes
 * to trades (`T.*` events) and hands each valid trade to the sink as a tick. Drops, errors and silent stalls
 * reconnect with exponential back-off and full jitter; a rejected key stops the feed for good.
 */
export class PolygonFeed implements TickFeed {
  private readonly backoff: { baseMs: number; maxMs: number };
  private socket: WebSocket | undefined;
  private state: State = 'idle';
  private error: string | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  /** Consecutive connections that ended before authenticating; drives the back-off exponent. */
  private attempts = 0;
  /**
   * Consecutive max_connections rejections. Polygon may accept the auth before refusing the slot, so this only
   * resets once a trade arrives, the one sign that the slot is really ours.
   */
  private maxConnectionStrikes = 0;
  /** Set when the server refused the slot, so the coming close waits the long back-off. */
  private refusedSlot = false;
  /** Why this side gave up on the current socket, reported instead of the bare close code that follows. */
  private closeReason: string | undefined;
  private ticks = 0;
  private invalidTrades = 0;
  private lastTickAt: number | null = null;
  private reconnects = 0;

  constructor(
    private readonly options: PolygonFeedOptions,
    private readonly sink: TickSink,
    private readonly log: Logger,
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.stopped = false;
    this.attempts = 0;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.stopHeartbeat();
    // A rejected key stays visible as the reason the feed is down.
    if (this.state !== 'failed') this.state = 'stopped';
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      // ws would otherwise wait 30 s for a close frame from a server that may have gone silent.
      const force = setTimeout(() => socket.terminate(), STOP_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      socket.close(1000);
    });
  }

  status(): FeedStatus {
    return {
      kind: 'polygon',
      state: this.state,
      lastTickAt: this.lastTickAt,
      ticks: this.ticks,
      reconnects: this.reconnects,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  private connect(): void {
    this.state = 'connecting';
    this.refusedSlot = false;
    this.closeReason = undefined;
    // A handshake that hangs is a stall too; left to the OS it can take minutes to fail.
    const socket = new WebSocket(this.options.url, { handshakeTimeout: this.options.stallTimeoutMs });
    this.socket = socket;
    const heard = () => {
      this.lastHeardAt = Date.now();
    };
    socket.on('open', () => this.startHeartbeat(socket));
    socket.on('message', (data) => {
      heard();
      this.onFrame(socket, data.toString());
    });
    socket.on('pong', heard);
    socket.on('ping', heard);
    socket.on('error', (err) => {
      if (this.stopped) return;
      this.log.warn({ err: err.message }, 'Polygon websocket error');
      // "ECONNREFUSED" or "Unexpected server response: 503" says more than the 1006 close that follows.
      if (socket === this.socket) this.closeReason ??= err.message;
    });
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
  }

  private onFrame(socket: WebSocket, text: string): void {
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch {
      this.log.warn({ frame: text.slice(0, 200) }, 'ignoring a non-JSON frame from Polygon');
      return;
    }
    if (!Array.isArray(events)) {
      this.log.warn({ frame: text.slice(0, 200) }, 'ignoring a Polygon frame that is not an array of events');
      return;
    }
    for (const event of events) {
      if (typeof event !== 'object' || event === null) continue;
      const e = event as Record<string, unknown>;
      if (e.ev === 'status') this.onStatus(socket, e.status, e.message);
      else if (e.ev === 'T') this.onTrade(e);
    }
  }

  private onStatus(socket: WebSocket, status: unknown, message: unknown): void {
    switch (status) {
      case 'connected':
        this.state = 'authenticating';
        socket.send(JSON.stringify({ action: 'auth', params: this.options.apiKey }));
        return;
      case 'auth_success': {
        const params = this.options.symbols === '*' ? 'T.*' : this.options.symbols.map((s) => `T.${s}`).join(',');
        socket.send(JSON.stringify({ action: 'subscribe', params }));
        this.state = 'streaming';
        this.error = undefined;
        this.attempts = 0;
        this.log.info({ subscription: params }, 'Polygon feed authenticated and subscribed');
        return;
      }
      case 'auth_failed':
        this.state = 'failed';
        this.error = AUTH_FAILED_ERROR;
        this.log.error(AUTH_FAILED_ERROR);
        socket.close(1000);
        return;
      case 'max_connections':
        this.refusedSlot = true;
        this.maxConnectionStrikes += 1;
        this.closeReason = 'Polygon refused the connection (max_connections): another process is using this API key';
        this.log.warn(
          { message, strikes: this.maxConnectionStrikes },
          'Polygon refused the connection (max_connections): another process is probably streaming with the same ' +
            'POLYGON_API_KEY; retrying with a long back-off',
        );
        socket.close(1000);
        return;
      case 'success':
        this.log.debug({ message }, 'Polygon acknowledged');
        return;
      default:
        this.log.warn({ status, message }, 'unexpected Polygon status');
    }
  }

  private onTrade(event: Record<string, unknown>): void {
    const parsed = tickSchema.safeParse({
      symbol: event.sym,
      timestamp: event.t,
      price: event.p,
      volume: event.s,
      source: 'polygon_websocket',
    });
    if (!parsed.success) {
      this.invalidTrades += 1;
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      this.log.debug(
        { sym: event.sym, issues, invalidTrades: this.invalidTrades },
        'skipping an invalid Polygon trade',
      );
      return;
    }
    this.ticks += 1;
    this.lastTickAt = Date.now();
    this.maxConnectionStrikes = 0;
    try {
      this.sink(parsed.data);
    } catch (err) {
      // A throw here would escape through ws as an uncaught exception and take the whole server down.
      this.log.error({ err }, 'tick sink failed on a Polygon trade');
    }
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    // A terminated socket can report its close after its replacement is already up.
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.stopHeartbeat();
    if (this.stopped || this.state === 'failed') return;
    this.error = this.closeReason ?? `connection closed (code ${code}${reason ? `: ${reason}` : ''})`;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.attempts += 1;
    const { baseMs, maxMs } = this.backoff;
    const delayMs = this.refusedSlot
      ? Math.min(
          MAX_CONNECTIONS_BACKOFF_FACTOR * baseMs * this.maxConnectionStrikes,
          MAX_CONNECTIONS_CAP_FACTOR * maxMs,
        )
      : // Full jitter keeps many restarted servers from reconnecting in lock-step.
        backoffDelay(this.attempts, { baseMs, maxMs, jitter: 'full' });
    this.state = 'backoff';
    this.log.info(
      { delayMs: Math.round(delayMs), attempt: this.attempts, reason: this.error },
      'reconnecting to Polygon',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.reconnects += 1;
      this.connect();
    }, delayMs);
  }

  /**
   * Polygon can go quiet without closing the TCP connection (a dead NAT entry, a stuck proxy). Pings every third of
   * the stall timeout give a healthy but quiet server two chances to answer before the socket is given up.
   */
  private startHeartbeat(socket: WebSocket): void {
    this.lastHeardAt = Date.now();
    const { stallTimeoutMs } = this.options;
    this.heartbeatTimer = setInterval(
      () => {
        const silentMs = Date.now() - this.lastHeardAt;
        if (silentMs < stallTimeoutMs) {
          socket.ping();
          return;
        }
        this.log.warn({ silentMs }, 'Polygon socket stalled; reconnecting');
        this.closeReason = `no data or pong from Polygon for ${silentMs} ms`;
        this.stopHeartbeat();
        socket.terminate();
      },
      Math.max(1, Math.floor(stallTimeoutMs / 3)),
    );
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}
