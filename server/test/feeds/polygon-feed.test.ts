import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Tick } from '@tickwatch/shared';
import { PolygonFeed, type PolygonFeedOptions } from '../../src/feeds/polygon.js';

const API_KEY = 'test-polygon-key-0123456789';
const silent = pino({ level: 'silent' });

/**
 * A local stand-in for wss://socket.polygon.io/stocks. It delays its `connected` greeting so a client that talks
 * first is caught, and on auth_failed / max_connections leaves the socket open so the client must close it itself.
 */
class FakePolygon {
  readonly server: WebSocketServer;
  connections = 0;
  pings = 0;
  authKeys: unknown[] = [];
  subscriptions: unknown[] = [];
  violations: string[] = [];
  readonly open = new Set<WebSocket>();
  /** The next this many handshakes get HTTP 503. */
  rejectHandshakes = 0;
  /** The next this many valid logins get auth_success followed by max_connections. */
  refuseSlots = 0;

  private constructor(options: { autoPong: boolean }) {
    this.server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      autoPong: options.autoPong,
      verifyClient: (_info, done) => {
        if (this.rejectHandshakes > 0) {
          this.rejectHandshakes -= 1;
          done(false, 503);
        } else done(true);
      },
    });
    this.server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: { autoPong?: boolean } = {}): Promise<FakePolygon> {
    const fake = new FakePolygon({ autoPong: options.autoPong ?? true });
    await new Promise<void>((resolve) => fake.server.once('listening', resolve));
    return fake;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/stocks`;
  }

  /** Sends a frame to every open client. */
  push(frame: unknown): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const socket of this.open) socket.send(text);
  }

  /** Cuts every connection without a close handshake, as a network failure would. */
  drop(): void {
    for (const socket of this.open) socket.terminate();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    this.connections += 1;
    this.open.add(socket);
    let greeted = false;
    let authed = false;
    let refused = false;
    const send = (event: Record<string, unknown>) => socket.send(JSON.stringify([{ ev: 'status', ...event }]));
    socket.on('close', () => this.open.delete(socket));
    socket.on('ping', () => (this.pings += 1));
    socket.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { action?: string; params?: unknown };
      // The client may still subscribe on the heels of auth_success; a refused socket no longer counts.
      if (refused) return;
      if (!greeted) this.violations.push(`${msg.action} before connected`);
      if (msg.action === 'auth') {
        this.authKeys.push(msg.params);
        if (msg.params !== API_KEY) return send({ status: 'auth_failed', message: 'authentication failed' });
        send({ status: 'auth_success', message: 'authenticated' });
        if (this.refuseSlots > 0) {
          this.refuseSlots -= 1;
          refused = true;
          return send({ status: 'max_connections', message: 'Maximum number of websocket connections exceeded.' });
        }
        authed = true;
      } else if (msg.action === 'subscribe') {
        if (!authed) this.violations.push('subscribe before auth_success');
        this.subscriptions.push(msg.params);
        send({ status: 'success', message: `subscribed to: ${String(msg.params)}` });
      }
    });
    setTimeout(() => {
      greeted = true;
      if (socket.readyState === socket.OPEN) send({ status: 'connected', message: 'Connected Successfully' });
    }, 20);
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakePolygon(options: { autoPong?: boolean } = {}): Promise<FakePolygon> {
  const fake = await FakePolygon.start(options);
  cleanups.push(() => fake.close());
  return fake;
}

function startFeed(fake: FakePolygon, overrides: Partial<PolygonFeedOptions> = {}, log = silent) {
  const ticks: Tick[] = [];
  const feed = new PolygonFeed(
    {
      apiKey: API_KEY,
      url: fake.url,
      symbols: ['AAPL', 'MSFT'],
      stallTimeoutMs: 5_000,
      backoff: { baseMs: 5, maxMs: 20 },
      ...overrides,
    },
    (tick) => ticks.push(tick),
    log,
  );
  cleanups.push(() => feed.stop());
  feed.start();
  return { feed, ticks };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** "Nothing happens" can only be observed over a window; each caller picks one many times the back-off in play. */
async function holdsFor(condition: () => boolean, what: string, windowMs: number): Promise<void> {
  const until = Date.now() + windowMs;
  while (Date.now() < until) {
    if (!condition()) throw new Error(`expected ${what} to hold for ${windowMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PolygonFeed', () => {
  it('authenticates after the connected greeting, then subscribes to trades for the configured symbols', async () => {
    const fake = await fakePolygon();
    const { feed } = startFeed(fake);

    await waitFor(() => fake.subscriptions.length === 1, 'a subscription');
    expect(fake.authKeys).toEqual([API_KEY]);
    expect(fake.subscriptions).toEqual(['T.AAPL,T.MSFT']);
    expect(fake.violations).toEqual([]);
    expect(feed.status()).toEqual({ kind: 'polygon', state: 'streaming', lastTickAt: null, ticks: 0, reconnects: 0 });
  });

  it('subscribes to T.* when configured with *', async () => {
    const fake = await fakePolygon();
    startFeed(fake, { symbols: '*' });

    await waitFor(() => fake.subscriptions.length === 1, 'a subscription');
    expect(fake.subscriptions).toEqual(['T.*']);
  });

  it('delivers trade events to the sink as ticks and skips malformed trades and frames without dying', async () => {
    const fake = await fakePolygon();
    const { feed, ticks } = startFeed(fake);
    await waitFor(() => feed.status().state === 'streaming', 'streaming');
    const t = Date.now() - 1_000;

    fake.push([
      { ev: 'T', sym: 'AAPL', x: 4, i: '52983525029461', z: 3, p: 228.12, s: 100, c: [12, 37], t, q: 1234 },
      { ev: 'T', sym: 'AAPL', p: -1, s: 100, t },
      { ev: 'T', sym: 'aapl', p: 228, s: 100, t },
      { ev: 'T', sym: 'AAPL', p: 228, t },
      { ev: 'T', sym: 'AAPL', p: 228, s: 100, t: Math.floor(t / 1_000) },
      { ev: 'T', sym: 'AAPL', p: 228, s: 1.5, t },
      { ev: 'Q', sym: 'AAPL', bp: 228, ap: 228.02, t },
      42,
      null,
    ]);
    fake.push('not json {');
    fake.push({ ev: 'T', sym: 'MSFT', p: 1, s: 1, t });
    fake.push([{ ev: 'T', sym: 'BRK.B', p: 471.5, s: 3, t: t + 1 }]);

    await waitFor(() => ticks.length === 2, 'two ticks');
    expect(ticks).toEqual([
      { symbol: 'AAPL', timestamp: t, price: 228.12, volume: 100, source: 'polygon_websocket' },
      { symbol: 'BRK.B', timestamp: t + 1, price: 471.5, volume: 3, source: 'polygon_websocket' },
    ]);
    const status = feed.status();
    expect(status).toMatchObject({ state: 'streaming', ticks: 2, reconnects: 0 });
    expect(status.lastTickAt).toBeGreaterThanOrEqual(t);
    expect(fake.connections).toBe(1);
  });

  it('stops for good with state failed and an error naming POLYGON_API_KEY when the key is rejected', async () => {
    const fake = await fakePolygon();
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const { feed } = startFeed(fake, { apiKey: 'wrong-key-do-not-log' }, log);

    await waitFor(() => feed.status().state === 'failed', 'state failed');
    expect(feed.status().error).toMatch(/POLYGON_API_KEY.*rejected|rejected.*POLYGON_API_KEY/);
    // The feed closes the socket itself rather than waiting on the server to do it.
    await waitFor(() => fake.open.size === 0, 'the client to close its socket');
    await holdsFor(() => fake.connections === 1 && feed.status().state === 'failed', 'no reconnect', 300);
    expect(feed.status()).toMatchObject({ reconnects: 0 });
    expect(fake.authKeys).toEqual(['wrong-key-do-not-log']);
    expect(lines.join('')).not.toContain('wrong-key-do-not-log');
    expect(lines.join('')).toContain('POLYGON_API_KEY');
  });

  it('reconnects after the server drops the connection, then re-authenticates and resubscribes', async () => {
    const fake = await fakePolygon();
    const { feed, ticks } = startFeed(fake);
    await waitFor(() => fake.subscriptions.length === 1, 'the first subscription');

    fake.drop();

    await waitFor(() => fake.subscriptions.length === 2, 'a second subscription');
    expect(fake.connections).toBe(2);
    expect(fake.authKeys).toEqual([API_KEY, API_KEY]);
    expect(fake.subscriptions).toEqual(['T.AAPL,T.MSFT', 'T.AAPL,T.MSFT']);
    expect(fake.violations).toEqual([]);
    await waitFor(() => feed.status().state === 'streaming', 'streaming again');
    expect(feed.status()).toMatchObject({ reconnects: 1 });
    expect(feed.status().error).toBeUndefined();

    const t = Date.now();
    fake.push([{ ev: 'T', sym: 'MSFT', p: 415.5, s: 10, t }]);
    await waitFor(() => ticks.length === 1, 'a tick on the new connection');
    expect(ticks[0]).toEqual({ symbol: 'MSFT', timestamp: t, price: 415.5, volume: 10, source: 'polygon_websocket' });
  });

  it('keeps retrying while the handshake fails and says why in the status', async () => {
    const fake = await fakePolygon();
    fake.rejectHandshakes = Number.POSITIVE_INFINITY;
    const { feed } = startFeed(fake);

    await waitFor(() => feed.status().reconnects >= 3, 'three retries');
    expect(feed.status().error).toMatch(/503/);
    expect(fake.connections).toBe(0);

    fake.rejectHandshakes = 0;
    await waitFor(() => fake.subscriptions.length === 1, 'a subscription once the server accepts');
    expect(feed.status().state).toBe('streaming');
    expect(feed.status().error).toBeUndefined();
  });

  it('pings a quiet server and keeps the connection while it answers', async () => {
    const fake = await fakePolygon();
    const { feed } = startFeed(fake, { stallTimeoutMs: 300 });
    await waitFor(() => feed.status().state === 'streaming', 'streaming');

    await holdsFor(() => fake.connections === 1, 'the one connection', 1_000);
    expect(fake.pings).toBeGreaterThan(0);
    expect(feed.status()).toMatchObject({ state: 'streaming', reconnects: 0 });
  });

  it('reconnects and resubscribes after a silent stall (no data, no pong)', async () => {
    const fake = await fakePolygon({ autoPong: false });
    const { feed } = startFeed(fake, { stallTimeoutMs: 300 });
    await waitFor(() => fake.subscriptions.length === 1, 'the first subscription');

    await waitFor(() => fake.subscriptions.length === 2, 'a subscription after the stall');
    expect(fake.pings).toBeGreaterThan(0);
    expect(fake.connections).toBe(2);
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('backs off far longer than usual after max_connections, then reconnects', async () => {
    const fake = await fakePolygon();
    fake.refuseSlots = 1;
    const connectedAt: number[] = [];
    fake.server.on('connection', () => connectedAt.push(Date.now()));
    const { feed } = startFeed(fake, { backoff: { baseMs: 5, maxMs: 20 } });

    await waitFor(() => feed.status().state === 'backoff', 'backoff');
    expect(feed.status().error).toMatch(/max_connections/);
    await waitFor(() => fake.subscriptions.length === 1, 'a subscription after the back-off');
    const [first, second] = connectedAt;
    // 30 × baseMs; a plain drop with these settings waits at most maxMs (20 ms).
    expect(second! - first!).toBeGreaterThanOrEqual(140);
    expect(feed.status()).toMatchObject({ state: 'streaming', reconnects: 1 });
  });

  it('stop() closes the socket and no reconnect follows', async () => {
    const fake = await fakePolygon();
    const { feed } = startFeed(fake);
    await waitFor(() => feed.status().state === 'streaming', 'streaming');

    await feed.stop();

    expect(feed.status().state).toBe('stopped');
    await waitFor(() => fake.open.size === 0, 'the server to see the close');
    await holdsFor(() => fake.connections === 1, 'no reconnect', 300);
  });

  it('stop() during a back-off cancels the pending reconnect', async () => {
    const fake = await fakePolygon();
    fake.refuseSlots = 1;
    // max_connections waits exactly 30 × baseMs = 300 ms: long enough to stop inside, short enough to watch.
    const { feed } = startFeed(fake, { backoff: { baseMs: 10, maxMs: 20 } });
    await waitFor(() => feed.status().state === 'backoff', 'backoff');

    await feed.stop();

    expect(feed.status().state).toBe('stopped');
    await holdsFor(() => fake.connections === 1, 'no reconnect', 700);
  });
});
