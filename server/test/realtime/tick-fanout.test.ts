import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Tick } from '@tickwatch/shared';
import { createSocketServer, type TickServer } from '../../src/realtime/io.js';
import { tickRoom } from '../../src/realtime/rooms.js';
import { TickFanout } from '../../src/realtime/tick-fanout.js';
import { eventually } from '../support/harness.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';

const FLUSH_MS = 50;

/** The fan-out alone on a real Socket.IO server: no store, no feed; subscriptions are the server's rooms. */
async function startFanout(sliceMs?: number, flushMs = FLUSH_MS) {
  const httpServer = http.createServer();
  const io: TickServer = createSocketServer(httpServer);
  const fanout = new TickFanout(io, flushMs, sliceMs);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: ConnectedClient[] = [];
  const serverSocket = (client: ConnectedClient) => io.of('/').sockets.get(client.socket.id!)!;
  return {
    io,
    fanout,
    serverSocket,
    async connect(...symbols: string[]) {
      const client = await connectClient(url);
      clients.push(client);
      await serverSocket(client).join(symbols.map(tickRoom));
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      fanout.close();
      await io.close();
    },
  };
}

let started: Awaited<ReturnType<typeof startFanout>> | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

let clock = Date.now();
const tick = (symbol: string, price: number): Tick => ({
  symbol,
  timestamp: ++clock,
  price,
  volume: 1,
  source: 'simulator',
});
const prices = (frames: Tick[][]) => frames.map((frame) => frame.map((t) => `${t.symbol}=${t.price}`));
const flushes = (n: number) => new Promise((resolve) => setTimeout(resolve, n * FLUSH_MS));

describe('conflated tick fan-out', () => {
  it('sends each socket one frame with the newest tick of each of its symbols that changed, and nothing else', async () => {
    const s = (started = await startFanout());
    const onlyA = await s.connect('A');
    const aAndB = await s.connect('A', 'B');
    const onlyC = await s.connect('C');
    const none = await s.connect();

    for (const t of [tick('A', 1), tick('A', 2), tick('B', 1), tick('D', 1), tick('A', 3)]) s.fanout.publish(t);

    await eventually(() => {
      expect(prices(onlyA.frames)).toEqual([['A=3']]);
      expect(prices(aAndB.frames)).toEqual([['A=3', 'B=1']]);
    });
    await flushes(2);
    expect(onlyC.frames).toEqual([]);
    expect(none.frames).toEqual([]);
    expect(prices(onlyA.frames)).toEqual([['A=3']]);
  });

  it('stops sending a symbol once the socket has left its room', async () => {
    const s = (started = await startFanout());
    const client = await s.connect('A', 'B');
    await s.serverSocket(client).leave(tickRoom('A'));

    s.fanout.publish(tick('A', 1));
    s.fanout.publish(tick('B', 1));

    await eventually(() => expect(prices(client.frames)).toEqual([['B=1']]));
    await flushes(2);
    expect(prices(client.frames)).toEqual([['B=1']]);
  });

  it('holds the prices of a socket whose connection is busy and sends it only the newest once it drains', async () => {
    const s = (started = await startFanout());
    const fast = await s.connect('A');
    const slow = await s.connect('A', 'B');
    const slowServerSide = s.serverSocket(slow);

    // A client that stops reading, behind a frame too big for the kernel's buffers: the server cannot finish writing
    // to it, so its Engine.IO transport stays unwritable until the client reads again.
    const clientWebSocket = (slow.socket.io.engine.transport as unknown as { ws: WebSocket }).ws;
    clientWebSocket.pause();
    const filler = Array.from({ length: 100_000 }, (_, i) => tick('FILL', i));
    slowServerSide.emit('ticks', filler);
    await flushes(2);
    expect(slowServerSide.conn.transport.writable).toBe(false);

    s.fanout.publish(tick('A', 1));
    await eventually(() => expect(prices(fast.frames)).toEqual([['A=1']]));
    s.fanout.publish(tick('B', 1));
    s.fanout.publish(tick('A', 2));
    await eventually(() => expect(prices(fast.frames)).toEqual([['A=1'], ['A=2']]));
    s.fanout.publish(tick('A', 3));
    await eventually(() => expect(prices(fast.frames)).toEqual([['A=1'], ['A=2'], ['A=3']]));
    expect(s.fanout.stats().framesDeferred).toBeGreaterThanOrEqual(3);

    clientWebSocket.resume();
    const slowPrices = () => prices(slow.frames.filter((frame) => frame[0]?.symbol !== 'FILL'));
    await eventually(() => expect(slowPrices()).toEqual([['A=3', 'B=1']]));
    await flushes(2);
    expect(slowPrices()).toEqual([['A=3', 'B=1']]);
  });

  it('reaches every socket when a flush is spread over many slices, and never sends one a price older than its snapshot', async () => {
    // One socket per slice, so the flush takes many turns of the event loop and ticks arrive in the middle of it.
    const s = (started = await startFanout(0));
    const early = await s.connect('A');
    const others: ConnectedClient[] = [];
    for (let i = 0; i < 30; i++) others.push(await s.connect('A'));
    // Connected last, so the flush reaches it last; it subscribes while the flush is under way.
    const late = await s.connect();

    early.socket.once('ticks', () => {
      const newer = tick('A', 2);
      s.fanout.publish(newer);
      void s.serverSocket(late).join(tickRoom('A'));
      s.fanout.sendNow(late.socket.id!, [newer]);
    });
    s.fanout.publish(tick('A', 1));

    const seen = (client: ConnectedClient) => client.frames.flat().map((t) => t.price);
    await eventually(() => {
      for (const client of [early, ...others, late]) expect(seen(client).at(-1)).toBe(2);
    });
    expect(seen(early)[0]).toBe(1);
    // Sockets the flush reached after A=2 came got A=2 from it (the late one too, after its snapshot), never A=1.
    for (const client of [...others, late]) expect(seen(client)).toEqual([...seen(client)].sort((a, b) => a - b));
    expect(seen(late)).not.toContain(1);
  });

  it('sends every tick at once as its own frame when conflation is off', async () => {
    const s = (started = await startFanout(undefined, 0));
    const client = await s.connect('A');
    s.fanout.publish(tick('A', 1));
    s.fanout.publish(tick('A', 2));
    await eventually(() => expect(prices(client.frames)).toEqual([['A=1'], ['A=2']]));
  });
});
