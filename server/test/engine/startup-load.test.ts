import { Writable } from 'node:stream';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Quote, Tick } from '@tickwatch/shared';
import type { App } from '../../src/app.js';
import { TradingDayClock } from '../../src/market/trading-day.js';
import type { OpenStore } from '../../src/store/open-store.js';
import { TicksRepository, toTickItem } from '../../src/store/ticks-repository.js';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';
import { connectClient } from '../support/sockets.js';
import { priceAlert, signIn } from '../support/users.js';

const DAY_MS = 86_400_000;

interface StoreCall {
  command: string;
  table: string | undefined;
  /** Made before the server listened. */
  startup: boolean;
}

/** What a restarted server reads, and what it shows of the ticks the previous run stored. */
describe(`start-up, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  /** Starts a server on `prefix`'s tables, recording every store call it makes into `calls`. */
  async function start(prefix: string, calls: StoreCall[] = [], log?: pino.Logger) {
    const watch = (app: App, store: OpenStore) => {
      let startup = true;
      app.httpServer.once('listening', () => (startup = false));
      store.clients.raw.middlewareStack.add(
        (next, context) => (args) => {
          const table = (args.input as { TableName?: string }).TableName;
          calls.push({ command: context.commandName ?? '', table, startup });
          return next(args);
        },
        { step: 'initialize', name: 'recordStoreCalls' },
      );
    };
    const server = await startTestServer({ TABLE_PREFIX: prefix }, { beforeListen: watch, ...(log ? { log } : {}) });
    servers.push(server);
    return server;
  }

  async function stop(server: TestServer) {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  async function getJson<T>(server: TestServer, path: string): Promise<T> {
    const res = await fetch(server.url + path);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  /** The latest ticks a dashboard gets at once when it subscribes. */
  async function snapshot(server: TestServer, symbols: string[]): Promise<Tick[]> {
    const client = await connectClient(server.url);
    try {
      await client.socket.timeout(5000).emitWithAck('ticks:subscribe', symbols);
      await eventually(() => expect(client.frames.flat().length).toBeGreaterThan(0));
      return client.frames.flat().sort((a, b) => a.symbol.localeCompare(b.symbol));
    } finally {
      client.close();
    }
  }

  it('shows the same symbols, latest prices and day bars after a restart, without scanning the ticks table', async () => {
    const prefix = uniquePrefix();
    const before = await start(prefix);
    const user = await signIn(before, 'restarting-trader');
    await user.createAlert(priceAlert('ALRT', '>', 1000));
    const now = Date.now();
    // Within the last 24 h, but before today's ET midnight: a symbol that has not traded today.
    const yesterday = new TradingDayClock().dayStart(now) - 60_000;
    const ingested = await before.ingest([
      { symbol: 'HELD', timestamp: now - 3_000, price: 10, volume: 1 },
      { symbol: 'HELD', timestamp: now - 2_000, price: 12, volume: 2 },
      { symbol: 'HELD', timestamp: now - 1_000, price: 9, volume: 3 },
      { symbol: 'ALRT', timestamp: now - 1_500, price: 50, volume: 1 },
      { symbol: 'YDAY', timestamp: yesterday, price: 7, volume: 1 },
    ]);
    expect(ingested.status).toBe(202);
    const symbols = ['ALRT', 'HELD', 'YDAY'];
    const shown = async (server: TestServer) => ({
      symbols: await getJson<{ items: Tick[] }>(server, '/api/symbols'),
      quotes: await getJson<{ items: Quote[] }>(server, `/api/quotes?symbols=${symbols.join(',')}`),
      snapshot: await snapshot(server, symbols),
    });
    const expected = await shown(before);
    expect(expected.symbols.items.map((t) => t.symbol)).toEqual(symbols);
    await stop(before);

    const calls: StoreCall[] = [];
    const after = await start(prefix, calls);
    expect(await shown(after)).toEqual(expected);
    const ticksTable = after.store.tables.ticks;
    const startup = calls.filter((c) => c.startup);
    expect(startup.filter((c) => c.command === 'ScanCommand' && c.table === ticksTable)).toEqual([]);
    expect(startup.some((c) => c.command === 'QueryCommand' && c.table === ticksTable)).toBe(true);
    expect(startup.some((c) => c.command === 'ScanCommand' && c.table === after.store.tables.alerts)).toBe(true);
  });

  it('does not bring back a symbol whose ticks have all expired', async () => {
    const prefix = uniquePrefix();
    const first = await start(prefix);
    const ticks = new TicksRepository(first.store.clients.doc, first.store.tables.ticks);
    const expired = Date.now() - DAY_MS - 5_000;
    const live = Date.now() - 5_000;
    // Written straight to the table: the API takes a tick this old, but the live market would then show it.
    expect(
      await ticks.batchPut([
        toTickItem({ symbol: 'GONE', timestamp: expired, price: 1, volume: 1, source: 'http_ingest' }, expired),
        toTickItem({ symbol: 'KEPT', timestamp: live, price: 2, volume: 1, source: 'http_ingest' }, live),
      ]),
    ).toEqual([]);
    await stop(first);

    const server = await start(prefix);
    const { items } = await getJson<{ items: Tick[] }>(server, '/api/symbols');
    expect(items.map((t) => t.symbol)).toEqual(['KEPT']);
    const quotes = await getJson<{ items: Quote[] }>(server, '/api/quotes?symbols=GONE');
    expect(quotes.items).toEqual([{ symbol: 'GONE', last: null, day: null }]);
  });

  it('registers a symbol once, not on every batch of its ticks, and not again after a restart', async () => {
    const prefix = uniquePrefix();
    const calls: StoreCall[] = [];
    const registryWrites = (server: TestServer) =>
      calls.filter((c) => c.command === 'UpdateItemCommand' && c.table === server.store.tables.ticks).length;
    const stored = (server: TestServer) =>
      eventually(() => expect(server.app.pipeline.stats()).toMatchObject({ queued: 0, failedBatches: 0 }));
    const first = await start(prefix, calls);
    for (let i = 0; i < 3; i++) {
      expect((await first.ingest({ symbol: 'REG', timestamp: Date.now(), price: 10 + i, volume: 1 })).status).toBe(202);
      await stored(first);
    }
    expect(registryWrites(first)).toBe(1);
    await stop(first);

    calls.length = 0;
    const second = await start(prefix, calls);
    expect((await second.ingest({ symbol: 'REG', timestamp: Date.now(), price: 14, volume: 1 })).status).toBe(202);
    await stored(second);
    expect(registryWrites(second)).toBe(0);
  });

  it('logs and skips a stored alert that is not valid, and evaluates the others', async () => {
    const prefix = uniquePrefix();
    const first = await start(prefix);
    const user = await signIn(first, 'careful-trader');
    await user.createAlert(priceAlert('SKIP', '>', 100));
    // What a hand edit or another tool might leave: an alert with no condition, which the engine cannot evaluate.
    await first.store.clients.doc.send(
      new PutCommand({
        TableName: first.store.tables.alerts,
        Item: { alert_id: 'broken-1', user_id: 'careful-trader', symbol: 'SKIP', condition_type: 'price_threshold' },
      }),
    );
    await stop(first);

    const lines: { msg: string; alertId?: string; issues?: string[] }[] = [];
    const log = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
          done();
        },
      }),
    );
    const server = await start(prefix, [], log);
    const skipped = lines.filter((l) => l.alertId === 'broken-1');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.msg).toMatch(/skipped a stored alert/);
    expect(skipped[0]!.issues?.some((issue) => issue.startsWith('condition'))).toBe(true);
    expect(server.app.engine.view('broken-1')).toBeUndefined();

    await server.ingest({ symbol: 'SKIP', timestamp: Date.now(), price: 101, volume: 1 });
    await server.app.engine.idle();
    const { items } = await (await signIn(server, user.userId)).notifications();
    expect(items.map((n) => n.current_price)).toEqual([101]);
  });
});
