import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Candle, HealthReport } from '@tickwatch/shared';
import type { App } from '../../src/app.js';
import type { OpenStore } from '../../src/store/open-store.js';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';
import { candlesFromStoredTicks } from '../support/stored-candles.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Most recently traded first: the order the background pass reads them in. */
const SYMBOLS = ['WRMA', 'WRMB', 'WRMC'];
/** Stored ticks per symbol: several of the reader's pages (500) when each trade is an item (TICK_STORE=trades). */
const TICKS_PER_SYMBOL = 1_200;

/**
 * The ticks table's Query calls a restarted server makes once it listens, by symbol, with a gate that holds a
 * symbol's reads at their first page until released, and a switch that fails them.
 */
class StoreReads {
  /** First pages of reads (no start key), by symbol: one per read of a range. */
  readonly started = new Map<string, number>();
  inFlight = 0;
  readonly held = new Set<string>();
  readonly failing = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  heldCount = 0;

  watch(app: App, store: OpenStore): void {
    let listening = false;
    app.httpServer.once('listening', () => (listening = true));
    store.clients.raw.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as {
          TableName?: string;
          ExclusiveStartKey?: unknown;
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        const values = input.ExpressionAttributeValues ?? {};
        const symbol = symbolOf(values[':symbol']);
        // Reads of a range of ticks; the embedded store's TTL sweeper, which starts at listen too, queries expired keys.
        const rangeRead = ':from' in values;
        if (
          !listening ||
          context.commandName !== 'QueryCommand' ||
          input.TableName !== store.tables.ticks ||
          !symbol ||
          !rangeRead
        )
          return next(args);
        const first = input.ExclusiveStartKey === undefined;
        if (first) this.started.set(symbol, (this.started.get(symbol) ?? 0) + 1);
        this.inFlight += 1;
        try {
          if (this.failing.has(symbol)) throw new Error(`store refused a read of ${symbol} (test)`);
          if (first && this.held.has(symbol)) {
            this.heldCount += 1;
            await new Promise<void>((resolve) => this.waiting.push(resolve));
          }
          return await next(args);
        } finally {
          this.inFlight -= 1;
        }
      },
      { step: 'initialize', name: 'watchWarmUpReads' },
    );
  }

  release(): void {
    this.held.clear();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  reads(symbol: string): number {
    return this.started.get(symbol) ?? 0;
  }
}

/** The document client's plain string, or the raw client's attribute value. */
function symbolOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
}

describe(`minute bars warmed after a restart, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(prefix: string, reads?: StoreReads) {
    const server = await startTestServer(
      { TABLE_PREFIX: prefix, TICK_STORE: 'trades' },
      reads ? { beforeListen: (app, store) => reads.watch(app, store) } : {},
    );
    servers.push(server);
    return server;
  }

  async function stop(server: TestServer) {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  /** An earlier run's stored day: each symbol trades every few seconds for two hours, WRMA last. */
  async function seed(): Promise<{ prefix: string; from: number; to: number }> {
    const prefix = uniquePrefix();
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    const from = end - 2 * HOUR - 5 * MINUTE;
    const server = await start(prefix);
    const ticks = SYMBOLS.flatMap((symbol, s) =>
      Array.from({ length: TICKS_PER_SYMBOL }, (_, i) => ({
        symbol,
        timestamp: end - (s + 1) * 1_000 - Math.floor((i * 2 * HOUR) / TICKS_PER_SYMBOL),
        price: 100 + s * 10 + ((i * 7) % 31) / 10,
        volume: 1 + (i % 13),
      })),
    );
    for (let i = 0; i < ticks.length; i += 1000) {
      expect((await server.ingest(ticks.slice(i, i + 1000))).status).toBe(202);
    }
    await eventually(() => expect(server.app.pipeline.stats().written).toBe(ticks.length), 30_000);
    await stop(server);
    // Whole minutes at both ends, so an answer comes from the minute bars alone.
    return { prefix, from, to: end + MINUTE - 1 };
  }

  async function health(server: TestServer): Promise<HealthReport> {
    return (await (await fetch(`${server.url}/api/health`)).json()) as HealthReport;
  }

  async function candles(server: TestServer, symbol: string, from: number, to: number): Promise<Candle[]> {
    const res = await fetch(`${server.url}/api/ticks/${symbol}/candles?interval=1m&from=${from}&to=${to}`);
    if (!res.ok) throw new Error(`${symbol}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { candles: Candle[] }).candles;
  }

  /** What the endpoint answered before the minute bars, for the 1m candles of the range. */
  const folded = (server: TestServer, symbol: string, from: number, to: number) =>
    candlesFromStoredTicks(server, symbol, { from, to, intervalMs: MINUTE });

  it('reads every stored symbol into its minute bars without a request, so charts read nothing', async () => {
    const { prefix, from, to } = await seed();
    const reads = new StoreReads();
    const server = await start(prefix, reads);
    await eventually(async () => expect((await health(server)).candles).toEqual({ warming: 0, waiting: 0 }), 30_000);
    for (const symbol of SYMBOLS) expect(reads.reads(symbol)).toBe(1);

    const answers = await Promise.all(SYMBOLS.map((symbol) => candles(server, symbol, from, to)));
    for (const symbol of SYMBOLS) expect(reads.reads(symbol)).toBe(1);
    for (const [i, symbol] of SYMBOLS.entries()) {
      expect(answers[i]!.length).toBeGreaterThan(100);
      expect(answers[i]).toEqual(await folded(server, symbol, from, to));
    }
  });

  it('answers a request that arrives while its symbol is read from that same read', async () => {
    const { prefix, from, to } = await seed();
    const reads = new StoreReads();
    reads.held.add('WRMA');
    const server = await start(prefix, reads);
    // The pass is reading WRMA (its first page is held): nobody else could have started that read.
    await eventually(() => expect(reads.heldCount).toBe(1));
    expect((await health(server)).candles).toEqual({ warming: 3, waiting: 0 });
    const answer = candles(server, 'WRMA', from, to);
    await eventually(async () => expect((await health(server)).candles.waiting).toBe(1));
    reads.release();

    const got = await answer;
    await server.app.warmer.passed;
    expect(reads.reads('WRMA')).toBe(1);
    expect(got).toEqual(await folded(server, 'WRMA', from, to));
  });

  it('lets a request read a symbol the pass has not reached, and the pass then skips it', async () => {
    const { prefix, from, to } = await seed();
    const reads = new StoreReads();
    reads.held.add('WRMA');
    const server = await start(prefix, reads);
    await eventually(() => expect(reads.heldCount).toBe(1));

    const got = await candles(server, 'WRMC', from, to);
    expect(reads.reads('WRMC')).toBe(1);
    expect((await health(server)).candles.warming).toBe(3);
    reads.release();
    await server.app.warmer.passed;
    expect(reads.reads('WRMB')).toBe(1);
    expect(reads.reads('WRMC')).toBe(1);
    expect(got).toEqual(await folded(server, 'WRMC', from, to));
  });

  it('goes on past a symbol whose read fails, which its first request then reads', async () => {
    const { prefix, from, to } = await seed();
    const reads = new StoreReads();
    reads.failing.add('WRMA');
    const server = await start(prefix, reads);
    await server.app.warmer.passed;
    expect((await health(server)).candles.warming).toBe(0);
    expect(reads.reads('WRMB')).toBe(1);
    expect(reads.reads('WRMC')).toBe(1);
    const failedReads = reads.reads('WRMA');

    reads.failing.clear();
    expect(await candles(server, 'WRMA', from, to)).toEqual(await folded(server, 'WRMA', from, to));
    expect(reads.reads('WRMA')).toBeGreaterThan(failedReads);
  });

  it('stops the pass on close after the page in hand, leaving no read running', async () => {
    const { prefix } = await seed();
    const reads = new StoreReads();
    reads.held.add('WRMA');
    const server = await start(prefix, reads);
    await eventually(() => expect(reads.heldCount).toBe(1));

    const closing = stop(server);
    reads.release();
    await closing;
    expect(reads.inFlight).toBe(0);
    expect(server.app.warmer.status()).toEqual({ warming: 0, waiting: 0 });
    expect(reads.reads('WRMB')).toBe(0);
    expect(reads.reads('WRMC')).toBe(0);
  });
});
