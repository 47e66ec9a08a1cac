import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents, Tick, TickSubscription } from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe(`socket tick feed on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
  });

  async function connect(): Promise<{ socket: Client; ticks: Tick[] }> {
    const socket: Client = io(server.url, { transports: ['websocket'], forceNew: true });
    clients.push(socket);
    const ticks: Tick[] = [];
    socket.on('ticks', (frame) => ticks.push(...frame));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, ticks };
  }

  const subscribe = (socket: Client, symbols: unknown) =>
    socket.timeout(5000).emitWithAck('ticks:subscribe', symbols as string[]) as Promise<Ack<TickSubscription>>;

  it('acks a subscription, reports invalid symbols, and pushes only subscribed symbols live', async () => {
    const { socket, ticks } = await connect();
    const ack = await subscribe(socket, ['live1', 'LIVE2', 'not valid!', 42]);
    expect(ack).toEqual({ ok: true, data: { subscribed: ['LIVE1', 'LIVE2'], invalid: ['not valid!', 'number'] } });

    const now = Date.now();
    await server.ingest([
      { symbol: 'LIVE1', timestamp: now, price: 10, volume: 1 },
      { symbol: 'OTHER', timestamp: now, price: 99, volume: 1 },
      { symbol: 'LIVE2', timestamp: now + 1, price: 20, volume: 2 },
    ]);
    await eventually(() => expect(ticks.map((t) => t.symbol).sort()).toEqual(['LIVE1', 'LIVE2']));
    expect(ticks.find((t) => t.symbol === 'LIVE2')).toEqual({
      symbol: 'LIVE2',
      timestamp: now + 1,
      price: 20,
      volume: 2,
      source: 'http_ingest',
    });
  });

  it('sends the latest known tick at once on subscribe', async () => {
    const now = Date.now();
    await server.ingest({ symbol: 'SNAP', timestamp: now, price: 42.5, volume: 3 });
    const { socket, ticks } = await connect();
    await subscribe(socket, ['SNAP']);
    await eventually(() =>
      expect(ticks).toEqual([{ symbol: 'SNAP', timestamp: now, price: 42.5, volume: 3, source: 'http_ingest' }]),
    );
  });

  it('stops pushing a symbol after unsubscribe', async () => {
    const { socket, ticks } = await connect();
    await subscribe(socket, ['GONE', 'KEEP']);
    const ack = (await socket.timeout(5000).emitWithAck('ticks:unsubscribe', ['GONE'])) as Ack<TickSubscription>;
    expect(ack).toEqual({ ok: true, data: { subscribed: ['KEEP'], invalid: [] } });
    const now = Date.now();
    await server.ingest([
      { symbol: 'GONE', timestamp: now, price: 1, volume: 1 },
      { symbol: 'KEEP', timestamp: now + 1, price: 2, volume: 1 },
    ]);
    await eventually(() => expect(ticks.map((t) => t.symbol)).toEqual(['KEEP']));
  });

  it('does not push a late tick older than the latest as a live price', async () => {
    const { socket, ticks } = await connect();
    await subscribe(socket, ['LATE']);
    const now = Date.now();
    await server.ingest({ symbol: 'LATE', timestamp: now, price: 5, volume: 1 });
    await eventually(() => expect(ticks.map((t) => t.price)).toEqual([5]));
    await server.ingest({ symbol: 'LATE', timestamp: now - 10_000, price: 4, volume: 1 });
    await server.ingest({ symbol: 'LATE', timestamp: now + 1, price: 6, volume: 1 });
    await eventually(() => expect(ticks.map((t) => t.price)).toEqual([5, 6]));
  });

  it('conflates: one frame carries the newest tick of many symbols', async () => {
    const { socket } = await connect();
    const frames: Tick[][] = [];
    socket.on('ticks', (frame) => frames.push(frame));
    await subscribe(socket, ['CF1', 'CF2', 'CF3']);
    const now = Date.now();
    const burst = ['CF1', 'CF2', 'CF3'].flatMap((symbol, s) =>
      Array.from({ length: 20 }, (_, i) => ({ symbol, timestamp: now + i, price: 100 * (s + 1) + i, volume: 1 })),
    );
    await server.ingest(burst);
    await eventually(() => {
      const newest = new Map(frames.flat().map((t) => [t.symbol, t.price]));
      expect(Object.fromEntries(newest)).toEqual({ CF1: 119, CF2: 219, CF3: 319 });
    });
    // 60 ticks arrived as a handful of frames, not 60, and a frame held several symbols.
    expect(frames.length).toBeLessThanOrEqual(3);
    expect(Math.max(...frames.map((f) => f.length))).toBeGreaterThan(1);
  });

  it('answers a malformed subscription with an error ack and keeps the connection', async () => {
    const { socket } = await connect();
    const ack = await subscribe(socket, 'AAPL');
    expect(ack).toMatchObject({ ok: false, error: { id: 'validation_failed' } });
    const tooMany = await subscribe(
      socket,
      Array.from({ length: 201 }, (_, i) => `S${i}`),
    );
    expect(tooMany.ok).toBe(false);
    expect(socket.connected).toBe(true);
    expect((await subscribe(socket, ['OK'])).ok).toBe(true);
  });
});
