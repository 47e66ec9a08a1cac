import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tick, TickPage } from '@tickwatch/shared';
import { createDynamoClients } from '../../src/store/client.js';
import {
  REGISTRY_SLACK_SECONDS,
  SYMBOL_REGISTRY,
  TicksRepository,
  symbolKey,
  toTickItem,
} from '../../src/store/ticks-repository.js';
import { startTestServer, type TestServer } from '../support/harness.js';

const DAY_MS = 86_400_000;

describe(`expired ticks on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let repository: TicksRepository;

  beforeAll(async () => {
    server = await startTestServer();
    repository = new TicksRepository(server.store.clients.doc, server.store.tables.ticks);
  });
  afterAll(() => server.close());

  const tick = (symbol: string, timestamp: number, price: number): Tick => ({
    symbol,
    timestamp,
    price,
    volume: 1,
    source: 'simulator',
  });

  it('stores ttl as the tick second plus 24 hours', () => {
    expect(toTickItem(tick('A', 1_697_658_000_123, 1), 1_697_658_000_123).ttl).toBe(1_697_744_400);
  });

  it('never returns a tick whose ttl has passed, even while the store still holds it', async () => {
    const now = Date.now();
    // Written straight to the table, as a store that has not yet deleted expired items would still hold them.
    await repository.batchPut([
      toTickItem(tick('EXP', now - DAY_MS - 5_000, 1), now - DAY_MS - 5_000),
      toTickItem(tick('EXP', now - DAY_MS - 4_000, 2), now - DAY_MS - 4_000),
      toTickItem(tick('EXP', now - 1_000, 3), now - 1_000),
      toTickItem(tick('OLD', now - DAY_MS - 3_000, 4), now - DAY_MS - 3_000),
    ]);
    const page = (await (await fetch(`${server.url}/api/ticks/EXP?from=0`)).json()) as TickPage;
    expect(page.items.map((t) => t.price)).toEqual([3]);
    expect(page.nextCursor).toBeUndefined();
    expect((await fetch(`${server.url}/api/ticks/OLD/latest`)).status).toBe(404);
    const candles = (await (
      await fetch(`${server.url}/api/ticks/EXP/candles?interval=1h&from=${now - DAY_MS - 10_000}&to=${now}`)
    ).json()) as {
      candles: { volume: number }[];
    };
    expect(candles.candles.reduce((sum, c) => sum + c.volume, 0)).toBe(1);
    // The registry keeps a symbol for an hour past its newest tick, and then lets it expire too.
    expect(await repository.registeredSymbols()).toEqual(expect.arrayContaining(['EXP', 'OLD']));
    const later = new TicksRepository(
      server.store.clients.doc,
      server.store.tables.ticks,
      () => now + (REGISTRY_SLACK_SECONDS + 1) * 1000,
    );
    expect(await later.registeredSymbols()).toContain('EXP');
    expect(await later.registeredSymbols()).not.toContain('OLD');
  });

  it('sweeps expired ticks out of the store and keeps live ones', async () => {
    const now = Date.now();
    await repository.batchPut([
      toTickItem(tick('SWEEP', now - DAY_MS - 9_000, 1), now - DAY_MS - 9_000),
      toTickItem(tick('SWEEP', now - 2_000, 2), now - 2_000),
    ]);
    const deleted = await repository.deleteExpired();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await repository.deleteExpired()).toBe(0);
    // Reading as of two days ago makes both items look live again, which shows the old one is really gone.
    const past = new TicksRepository(server.store.clients.doc, server.store.tables.ticks, () => now - DAY_MS);
    const { items } = await past.queryNewestFirst({ symbol: 'SWEEP', from: 0, limit: 10 });
    expect(items.map((i) => i.price)).toEqual([2]);
  });

  /**
   * `symbol` with one tick stored two days ago, and so registered then: both expired now. `then` reads as of that day,
   * when both would still be live, so what it no longer finds is really gone from the store.
   */
  async function tradedTwoDaysAgo(symbol: string): Promise<{ now: number; then: TicksRepository }> {
    const now = Date.now();
    const twoDaysAgo = () => now - 2 * DAY_MS;
    const then = new TicksRepository(server.store.clients.doc, server.store.tables.ticks, twoDaysAgo);
    await then.batchPut([toTickItem(tick(symbol, twoDaysAgo() - 1_000, 1), twoDaysAgo() - 1_000)]);
    expect(await then.registeredSymbols()).toContain(symbol);
    return { now, then };
  }

  it('sweeps a symbol whose every tick expired, and then its registry entry', async () => {
    const { then } = await tradedTwoDaysAgo('GONE');
    const operations: string[] = [];
    const stop = server.store.capacity.onConsumed(({ table, operation }) => {
      if (table === 'ticks') operations.push(operation);
    });
    await repository.deleteExpired();
    stop();
    // Query by query, never a Scan of the whole table with its live day.
    expect(operations).toContain('Query');
    expect(operations).not.toContain('Scan');
    expect((await then.queryNewestFirst({ symbol: 'GONE', from: 0, limit: 10 })).items).toEqual([]);
    expect(await then.registeredSymbols()).not.toContain('GONE');
  });

  it('keeps a registry entry that a new tick renews while the sweep is on its way to delete it', async () => {
    const { now, then } = await tradedTwoDaysAgo('BACK');

    // The sweep on a client of its own, held at the delete of BACK's expired entry until BACK trades again: the
    // window between reading the registry and deleting from it.
    const { config } = server;
    if (config.store.mode !== 'external') throw new Error('the integration tests run on an endpoint');
    const clients = createDynamoClients({
      region: config.region,
      endpoint: config.store.endpoint,
      credentials: config.store.credentials,
    });
    const live = new TicksRepository(server.store.clients.doc, server.store.tables.ticks);
    let renewed = 0;
    clients.raw.middlewareStack.add(
      (next, context) => async (args) => {
        const { Key } = args.input as { Key?: { symbol?: { S?: string }; timestamp?: { N?: string } } };
        if (
          context.commandName === 'DeleteItemCommand' &&
          Key?.symbol?.S === SYMBOL_REGISTRY &&
          Key.timestamp?.N === String(symbolKey('BACK'))
        ) {
          await live.batchPut([toTickItem(tick('BACK', now - 1_000, 2), now - 1_000)]);
          renewed += 1;
        }
        return next(args);
      },
      { step: 'initialize', name: 'tradeDuringSweep' },
    );
    try {
      await new TicksRepository(clients.doc, server.store.tables.ticks).deleteExpired();
    } finally {
      clients.raw.destroy();
    }

    expect(renewed).toBe(1);
    expect(await repository.registeredSymbols()).toContain('BACK');
    const { items } = await then.queryNewestFirst({ symbol: 'BACK', from: 0, limit: 10 });
    expect(items.map((i) => i.price)).toEqual([2]);
  });

  it('registers a symbol once when batches of it are written side by side', async () => {
    const registrations: number[] = [];
    const stop = server.store.capacity.onConsumed((c) => {
      if (c.table === 'ticks' && c.operation === 'UpdateItem') registrations.push(c.units);
    });
    const fresh = new TicksRepository(server.store.clients.doc, server.store.tables.ticks);
    const now = Date.now();
    const batches = [0, 1, 2, 3].map((b) =>
      Array.from({ length: 25 }, (_, i) => toTickItem(tick('REG', now - 100 * b - i, 1), now - 100 * b - i)),
    );
    await Promise.all(batches.map((batch) => fresh.batchPut(batch)));
    stop();
    expect(registrations).toHaveLength(1);
  });
});
