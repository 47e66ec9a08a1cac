import { afterEach, describe, expect, inject, it } from 'vitest';
import { CANDLE_INTERVALS, CANDLE_INTERVAL_MS, type Candle, type CandleInterval } from '@tickwatch/shared';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';
import { candlesFromStoredTicks } from '../support/stored-candles.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface PostedTick {
  symbol: string;
  timestamp: number;
  price: number;
  volume: number;
}

interface CandlesBody {
  symbol: string;
  interval: CandleInterval;
  from: number;
  to: number;
  candles: Candle[];
}

/**
 * The candles endpoint checked against folding the stored ticks oldest first, as it did before the minute bars. Per
 * trade (TICK_STORE=trades): batches arrive hours late, far beyond what stored seconds remember, where the two modes
 * cannot agree (docs/storage.md); seconds-candles.test.ts compares the modes within those limits.
 */
describe(`candles from the minute bars, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(prefix = uniquePrefix()) {
    const server = await startTestServer({ TABLE_PREFIX: prefix, TICK_STORE: 'trades' });
    servers.push(server);
    return server;
  }

  async function stop(server: TestServer) {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  /** Posts the ticks in batches, in the order given, and waits until the store holds them all. */
  async function ingest(server: TestServer, ticks: PostedTick[]) {
    const before = server.app.pipeline.stats().written;
    for (let i = 0; i < ticks.length; i += 1000) {
      expect((await server.ingest(ticks.slice(i, i + 1000))).status).toBe(202);
    }
    await eventually(() => expect(server.app.pipeline.stats().written - before).toBe(ticks.length), 30_000);
  }

  async function candles(server: TestServer, symbol: string, query: string): Promise<CandlesBody> {
    const res = await fetch(`${server.url}/api/ticks/${symbol}/candles?${query}`);
    if (!res.ok) throw new Error(`${query}: ${res.status} ${await res.text()}`);
    return (await res.json()) as CandlesBody;
  }

  /** What the endpoint returned before the minute bars, for the answer's range and interval. */
  const fromStoredTicks = (server: TestServer, body: CandlesBody) =>
    candlesFromStoredTicks(server, body.symbol, {
      from: body.from,
      to: body.to,
      intervalMs: CANDLE_INTERVAL_MS[body.interval],
    });

  /** Every interval over the default range, the whole day, and ranges that cut minutes and hours. */
  async function expectSameAsStoredTicks(server: TestServer, symbol: string, t0: number, t1: number) {
    const queries = [
      ...CANDLE_INTERVALS.map((interval) => `interval=${interval}`),
      ...['1m', '5m', '15m', '1h'].map((interval) => `interval=${interval}&from=${Date.now() - 25 * HOUR}`),
      ...['1m', '5m', '1h'].map((interval) => `interval=${interval}&from=${t0 + 12_345}&to=${t1 - 4_321}`),
      `interval=1m&from=${t0 + HOUR + 30_000}&to=${t0 + HOUR + 45_000}`,
      `interval=1s&from=${t0 + HOUR - 30_000}&to=${t0 + 2 * HOUR}`,
      `interval=15m&from=${t0 + 7 * MINUTE + 1}&to=${t0 + 3 * HOUR}`,
    ];
    for (const query of queries) {
      const body = await candles(server, symbol, query);
      expect(body.candles.length, query).toBeGreaterThan(0);
      expect(body.candles, query).toEqual(await fromStoredTicks(server, body));
    }
  }

  /**
   * Seeded ticks over four hours ending a minute ago: every fifth shares its predecessor's millisecond, some land on
   * a minute boundary or its last millisecond, and batches arrive shuffled, so many ticks come late.
   */
  function generate(symbol: string, t0: number, count: number, seed: number): PostedTick[] {
    let state = seed;
    const rand = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const span = 4 * HOUR;
    const ticks: PostedTick[] = [];
    for (let i = 0; i < count; i++) {
      let timestamp = t0 + Math.floor(rand() * span);
      if (i % 5 === 4) timestamp = ticks[i - 1]!.timestamp;
      else if (i % 7 === 0) timestamp -= timestamp % MINUTE;
      else if (i % 11 === 0) timestamp += MINUTE - 1 - (timestamp % MINUTE);
      ticks.push({
        symbol,
        timestamp,
        price: Math.round(1_000 + rand() * 500) / 10,
        volume: Math.floor(rand() * 300),
      });
    }
    ticks.sort((a, b) => a.timestamp - b.timestamp);
    // Trades of one millisecond stay in one batch: the tick sequencer keeps them apart only while it remembers the
    // millisecond, and a later run or a far-late trade replaces the stored one (docs/storage.md).
    const batches: PostedTick[][] = [[]];
    for (const [i, tick] of ticks.entries()) {
      if (batches.at(-1)!.length >= 50 && tick.timestamp !== ticks[i - 1]!.timestamp) batches.push([]);
      batches.at(-1)!.push(tick);
    }
    for (let i = batches.length - 1; i > 0; i -= 3) {
      const j = Math.floor(rand() * (i + 1));
      [batches[i], batches[j]] = [batches[j]!, batches[i]!];
    }
    return batches.flat();
  }

  it('answers every interval and range as folding the stored ticks would, late and simultaneous ticks included', async () => {
    const server = await start();
    const t0 = Date.now() - 4 * HOUR - MINUTE;
    await ingest(server, generate('LIVE', t0, 4_000, 1));
    await expectSameAsStoredTicks(server, 'LIVE', t0, t0 + 4 * HOUR);
  });

  it('reads what an earlier run stored on the first request after a restart, and counts a late tick once', async () => {
    const prefix = uniquePrefix();
    const t0 = Date.now() - 4 * HOUR - MINUTE;
    const ticks = generate('BACK', t0, 4_000, 2);
    const earlier = ticks.filter((t) => t.timestamp < t0 + 3 * HOUR);
    const later = ticks.filter((t) => t.timestamp >= t0 + 3 * HOUR);
    const first = await start(prefix);
    await ingest(first, earlier);
    await stop(first);

    const server = await start(prefix);
    // Late: older than the earlier run's newest tick. One on a millisecond the earlier run stored replaces its trade
    // in the store (a new run's keys start over), and the candles must agree.
    const replacing = { ...earlier[10]!, price: 1, volume: 7 };
    await ingest(server, [
      ...later,
      { symbol: 'BACK', timestamp: t0 + 90 * MINUTE + 1, price: 9, volume: 3 },
      replacing,
    ]);
    const concurrent = await Promise.all(
      ['interval=1m', 'interval=1m', 'interval=1h'].map((q) => candles(server, 'BACK', q)),
    );
    for (const body of concurrent) expect(body.candles).toEqual(await fromStoredTicks(server, body));
    await expectSameAsStoredTicks(server, 'BACK', t0, t0 + 4 * HOUR);

    await ingest(server, [
      { symbol: 'BACK', timestamp: Date.now() - 5_000, price: 120, volume: 5 },
      { symbol: 'BACK', timestamp: t0 + 2 * HOUR + 17, price: 130, volume: 6 },
    ]);
    await expectSameAsStoredTicks(server, 'BACK', t0, t0 + 4 * HOUR);
  });
});
