import { afterEach, describe, expect, inject, it } from 'vitest';
import { CANDLE_INTERVAL_MS, barStart, type Candle, type CandleInterval, type TickPage } from '@tickwatch/shared';
import { CandleAggregator } from '../../src/market/candles.js';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';

const MINUTE = 60_000;
const SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;

interface PostedTick {
  symbol: string;
  timestamp: number;
  price: number;
  volume: number;
}

/**
 * A burst as a busy feed sends it: three symbols trading across a minute boundary, often several trades in one
 * millisecond, and one trade in twenty arriving up to a quarter of a second late: within what stored seconds
 * remember, and what the tick sequencer does (beyond that, TICK_STORE=trades replaces a stored trade, docs/storage.md).
 * Fixed by its seed, so every run replays the same trades.
 */
function recordedBurst(minute: number): PostedTick[] {
  let state = 20_260_115;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const trades: { tick: PostedTick; arrival: number }[] = [];
  const price = new Map<string, number>(SYMBOLS.map((s, i) => [s, 100 + 50 * i]));
  let t = minute - 1_500;
  for (let i = 0; i < 1_500; i++) {
    if (rand() > 0.35) t += Math.floor(rand() * 7);
    const symbol = SYMBOLS[Math.floor(rand() * SYMBOLS.length)]!;
    const next = Math.round((price.get(symbol)! + (rand() - 0.5)) * 100) / 100;
    price.set(symbol, next);
    const late = rand() < 0.05 ? Math.floor(rand() * 250) : 0;
    trades.push({
      tick: { symbol, timestamp: t, price: next, volume: 1 + Math.floor(rand() * 300) },
      arrival: t + late,
    });
  }
  return trades.sort((a, b) => a.arrival - b.arrival).map(({ tick }) => tick);
}

/** Candles of the trades folded in storage-key order: by millisecond, then arrival within one. */
function reference(ticks: PostedTick[], symbol: string, intervalMs: number, from: number, to: number): Candle[] {
  const aggregator = new CandleAggregator(intervalMs);
  const perMs = new Map<number, number>();
  for (const tick of ticks) {
    if (tick.symbol !== symbol || tick.timestamp < from || tick.timestamp > to) continue;
    const n = perMs.get(tick.timestamp) ?? 0;
    perMs.set(tick.timestamp, n + 1);
    aggregator.add(tick, tick.timestamp + n / 1000);
  }
  return aggregator.result();
}

describe(`candles are the same with TICK_STORE=seconds and trades, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  const minute = barStart(Date.now() - 10 * MINUTE, MINUTE);
  const burst = recordedBurst(minute);
  const queries: [CandleInterval, number, number][] = [
    ['1s', minute - 3_000, minute + 3_000],
    ['1s', minute - 1_877, minute + 1_123],
    ['1m', minute - 5 * MINUTE, minute + 5 * MINUTE],
    ['1m', minute - 1_500, minute + 600],
    ['5m', minute - 30 * MINUTE, minute + 5 * MINUTE],
  ];

  /** Candles of each symbol and query, from the server the way the API answers them. */
  async function read(server: TestServer): Promise<Record<string, Candle[]>> {
    const out: Record<string, Candle[]> = {};
    for (const symbol of SYMBOLS) {
      for (const [interval, from, to] of queries) {
        const res = await fetch(`${server.url}/api/ticks/${symbol}/candles?interval=${interval}&from=${from}&to=${to}`);
        expect(res.status).toBe(200);
        out[`${symbol} ${interval} ${from}..${to}`] = ((await res.json()) as { candles: Candle[] }).candles;
      }
    }
    return out;
  }

  /** The burst through the real pipeline into the store; candles read live, then by a fresh server from the store. */
  async function run(mode: 'seconds' | 'trades') {
    const prefix = uniquePrefix();
    const first = await startTestServer({ TABLE_PREFIX: prefix, TICK_STORE: mode });
    servers.push(first);
    for (let i = 0; i < burst.length; i += 100) expect((await first.ingest(burst.slice(i, i + 100))).status).toBe(202);
    await eventually(() => expect(first.app.pipeline.stats().queued).toBe(0));
    const live = await read(first);
    if (mode === 'seconds') {
      for (const symbol of SYMBOLS) {
        const res = await fetch(`${first.url}/api/ticks/${symbol}?from=${minute - MINUTE}&limit=1000`);
        const { items } = (await res.json()) as TickPage;
        const traded = new Set(burst.filter((t) => t.symbol === symbol).map((t) => barStart(t.timestamp, 1_000)));
        // One item per traded second, late trades included.
        expect(items.map((item) => barStart(item.timestamp, 1_000)).sort()).toEqual([...traded].sort());
        expect(items.reduce((sum, item) => sum + (item.trades ?? 1), 0)).toBe(
          burst.filter((t) => t.symbol === symbol).length,
        );
      }
    }
    servers.splice(servers.indexOf(first), 1);
    await first.close();
    const restarted = await startTestServer({ TABLE_PREFIX: prefix, TICK_STORE: mode });
    servers.push(restarted);
    return { live, stored: await read(restarted) };
  }

  it('gives identical candles of 1 s and longer for a recorded burst, live and after a restart', async () => {
    const seconds = await run('seconds');
    const trades = await run('trades');
    expect(seconds.live).toEqual(trades.live);
    expect(seconds.stored).toEqual(trades.stored);
    expect(seconds.stored).toEqual(seconds.live);
    for (const symbol of SYMBOLS) {
      for (const [interval, from, to] of queries) {
        // The API reads whole seconds at both ends of a range.
        const whole = [barStart(from, 1_000), barStart(to, 1_000) + 999] as const;
        const want = reference(burst, symbol, CANDLE_INTERVAL_MS[interval], ...whole);
        expect(want.length).toBeGreaterThan(0);
        expect(seconds.stored[`${symbol} ${interval} ${from}..${to}`]).toEqual(want);
      }
    }
  });
});
