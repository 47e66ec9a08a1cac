import { describe, it, expect } from 'vitest';
import { CANDLE_INTERVALS, CANDLE_INTERVAL_MS, type Candle, type TradePoint } from '@tickwatch/shared';
import { CandleAggregator, foldKeyed, mergeBars, openKeyedBar, rollUp, toCandle } from './candles.js';

/** Storage keys as the tick sequencer gives them: the millisecond, plus n/1000 for its n-th later trade. */
function withKeys<T extends TradePoint>(ticks: Iterable<T>): { trade: T; key: number }[] {
  const seen = new Map<number, number>();
  return [...ticks].map((trade) => {
    const n = seen.get(trade.timestamp) ?? 0;
    seen.set(trade.timestamp, n + 1);
    return { trade, key: trade.timestamp + n / 1000 };
  });
}

/** Ticks in arrival order, keyed by arrival, folded. */
function aggregateCandles(ticks: Iterable<TradePoint>, intervalMs: number): Candle[] {
  const aggregator = new CandleAggregator(intervalMs);
  for (const { trade, key } of withKeys(ticks)) aggregator.add(trade, key);
  return aggregator.result();
}

/** What reading the stored ticks in key order and folding them one by one gives: the reference. */
function inKeyOrder(keyed: { trade: TradePoint; key: number }[], intervalMs: number): Candle[] {
  const bars: Candle[] = [];
  for (const { trade } of [...keyed].sort((a, b) => a.key - b.key)) {
    const start = Math.floor(trade.timestamp / intervalMs) * intervalMs;
    const last = bars.at(-1);
    if (last?.start === start) {
      last.high = Math.max(last.high, trade.price);
      last.low = Math.min(last.low, trade.price);
      last.close = trade.price;
      last.volume += trade.volume;
      last.trades += 1;
    } else {
      const { price, volume } = trade;
      bars.push({ start, open: price, high: price, low: price, close: price, volume, trades: 1 });
    }
  }
  return bars;
}

/** Deterministic pseudo-random numbers (no Math.random) so the tests are reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** 2024-11-05T14:00:00.000Z — a whole UTC hour, so on a boundary of every interval. */
const BASE = Date.UTC(2024, 10, 5, 14, 0, 0, 0);

function tick(timestamp: number, price: number, volume = 100) {
  return { timestamp, price, volume };
}

describe('CandleAggregator construction', () => {
  it.each([0, -1, -60_000, 1.5, 0.999, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects an interval of %s with a RangeError',
    (intervalMs) => {
      expect(() => new CandleAggregator(intervalMs)).toThrow(RangeError);
      expect(() => new CandleAggregator(intervalMs)).toThrow(/intervalMs must be a positive integer/);
    },
  );

  it('accepts every interval in CANDLE_INTERVAL_MS', () => {
    for (const interval of CANDLE_INTERVALS) {
      expect(() => new CandleAggregator(CANDLE_INTERVAL_MS[interval])).not.toThrow();
    }
  });

  it('accepts an interval of 1 ms', () => {
    const agg = new CandleAggregator(1);
    agg.add(tick(BASE + 7, 10), BASE + 7);
    expect(agg.result()).toEqual([{ start: BASE + 7, open: 10, high: 10, low: 10, close: 10, volume: 100, trades: 1 }]);
  });

  it('uses a base time that is aligned to every interval (sanity check for the tests below)', () => {
    for (const interval of CANDLE_INTERVALS) expect(BASE % CANDLE_INTERVAL_MS[interval]).toBe(0);
  });

  it('yields no bars before any tick is added', () => {
    expect(new CandleAggregator(60_000).result()).toEqual([]);
  });
});

describe('CandleAggregator bar alignment to UTC interval boundaries', () => {
  it('has the expected interval lengths in CANDLE_INTERVAL_MS', () => {
    expect(CANDLE_INTERVAL_MS).toEqual({
      '1s': 1_000,
      '1m': 60_000,
      '5m': 300_000,
      '15m': 900_000,
      '1h': 3_600_000,
    });
  });

  describe.each(CANDLE_INTERVALS.map((interval) => [interval, CANDLE_INTERVAL_MS[interval]] as const))(
    'interval %s (%i ms)',
    (_interval, intervalMs) => {
      it('starts a bar at the tick time floored to a multiple of the interval since the epoch', () => {
        // An arbitrary, deliberately unaligned moment: 2024-11-05T14:37:42.123Z.
        const t = Date.UTC(2024, 10, 5, 14, 37, 42, 123);
        const [bar] = aggregateCandles([tick(t, 50)], intervalMs);
        expect(bar).toBeDefined();
        expect(bar!.start % intervalMs).toBe(0);
        expect(bar!.start).toBeLessThanOrEqual(t);
        expect(t - bar!.start).toBeLessThan(intervalMs);
        expect(bar!.start).toBe(Math.floor(t / intervalMs) * intervalMs);
      });

      it('aligns to the expected UTC wall-clock boundary', () => {
        const t = Date.UTC(2024, 10, 5, 14, 37, 42, 123);
        const expected: Record<number, number> = {
          1_000: Date.UTC(2024, 10, 5, 14, 37, 42, 0),
          60_000: Date.UTC(2024, 10, 5, 14, 37, 0, 0),
          300_000: Date.UTC(2024, 10, 5, 14, 35, 0, 0),
          900_000: Date.UTC(2024, 10, 5, 14, 30, 0, 0),
          3_600_000: Date.UTC(2024, 10, 5, 14, 0, 0, 0),
        };
        const [bar] = aggregateCandles([tick(t, 50)], intervalMs);
        expect(bar!.start).toBe(expected[intervalMs]);
        expect(new Date(bar!.start).toISOString()).toBe(new Date(expected[intervalMs]!).toISOString());
      });

      it('puts a tick exactly on a boundary into the bar that starts there', () => {
        const boundary = BASE + 3 * intervalMs;
        const bars = aggregateCandles([tick(boundary - 1, 10), tick(boundary, 20)], intervalMs);
        expect(bars.map((b) => b.start)).toEqual([boundary - intervalMs, boundary]);
        expect(bars[0]).toMatchObject({ open: 10, close: 10, trades: 1 });
        expect(bars[1]).toMatchObject({ start: boundary, open: 20, close: 20, trades: 1 });
      });

      it('keeps the first and last millisecond of an interval in the same bar', () => {
        const bars = aggregateCandles([tick(BASE, 1), tick(BASE + intervalMs - 1, 2)], intervalMs);
        expect(bars).toHaveLength(1);
        expect(bars[0]).toMatchObject({ start: BASE, open: 1, close: 2, trades: 2 });
      });

      it('opens a new bar one millisecond after the last millisecond of an interval', () => {
        const bars = aggregateCandles([tick(BASE + intervalMs - 1, 1), tick(BASE + intervalMs, 2)], intervalMs);
        expect(bars.map((b) => b.start)).toEqual([BASE, BASE + intervalMs]);
      });

      it('produces consecutive bars whose starts are exactly one interval apart', () => {
        const ticks = [0, 1, 2, 3, 4].map((i) => tick(BASE + i * intervalMs + Math.floor(intervalMs / 2), 100 + i));
        const bars = aggregateCandles(ticks, intervalMs);
        expect(bars.map((b) => b.start)).toEqual([0, 1, 2, 3, 4].map((i) => BASE + i * intervalMs));
      });
    },
  );

  it('aligns hour bars to UTC hours regardless of the local time zone', () => {
    // 2024-03-10 is a US DST change day; UTC has no DST so every bar is exactly one hour.
    const start = Date.UTC(2024, 2, 10, 0, 0, 0);
    const ticks = Array.from({ length: 24 }, (_, h) => tick(start + h * 3_600_000 + 1_234, 10 + h));
    const bars = aggregateCandles(ticks, CANDLE_INTERVAL_MS['1h']);
    expect(bars).toHaveLength(24);
    bars.forEach((bar, h) => {
      expect(new Date(bar.start).getUTCHours()).toBe(h);
      expect(new Date(bar.start).getUTCMinutes()).toBe(0);
      expect(new Date(bar.start).getUTCSeconds()).toBe(0);
      expect(new Date(bar.start).getUTCMilliseconds()).toBe(0);
    });
  });
});

describe('CandleAggregator OHLC, volume and trade count', () => {
  it('makes a single-tick bar with open = high = low = close = the price', () => {
    const bars = aggregateCandles([tick(BASE + 5, 123.45, 300)], 60_000);
    expect(bars).toEqual<Candle[]>([
      { start: BASE, open: 123.45, high: 123.45, low: 123.45, close: 123.45, volume: 300, trades: 1 },
    ]);
  });

  it('takes open from the first tick, close from the last, high/low as extremes, and sums volume', () => {
    const bars = aggregateCandles(
      [
        tick(BASE + 1_000, 100, 10),
        tick(BASE + 2_000, 105, 20),
        tick(BASE + 3_000, 95, 30),
        tick(BASE + 4_000, 101, 40),
        tick(BASE + 5_000, 99, 50),
      ],
      60_000,
    );
    expect(bars).toEqual<Candle[]>([{ start: BASE, open: 100, high: 105, low: 95, close: 99, volume: 150, trades: 5 }]);
  });

  it('uses the first tick as high when prices only fall, and as low when prices only rise', () => {
    const falling = aggregateCandles([tick(BASE, 10), tick(BASE + 1, 9), tick(BASE + 2, 8)], 60_000);
    expect(falling[0]).toMatchObject({ open: 10, high: 10, low: 8, close: 8 });
    const rising = aggregateCandles([tick(BASE, 8), tick(BASE + 1, 9), tick(BASE + 2, 10)], 60_000);
    expect(rising[0]).toMatchObject({ open: 8, high: 10, low: 8, close: 10 });
  });

  it('counts every tick as a trade, including several in the same millisecond', () => {
    const bars = aggregateCandles([tick(BASE, 10, 1), tick(BASE, 11, 2), tick(BASE, 12, 3)], 1_000);
    expect(bars).toEqual<Candle[]>([{ start: BASE, open: 10, high: 12, low: 10, close: 12, volume: 6, trades: 3 }]);
  });

  it('counts zero-volume ticks as trades without adding volume', () => {
    const bars = aggregateCandles([tick(BASE, 10, 0), tick(BASE + 1, 11, 0)], 1_000);
    expect(bars[0]).toMatchObject({ volume: 0, trades: 2, open: 10, close: 11 });
  });

  it('keeps each bar’s figures separate from the next bar’s', () => {
    const bars = aggregateCandles(
      [
        tick(BASE + 10, 10, 1),
        tick(BASE + 20, 12, 2),
        tick(BASE + 60_000, 20, 5),
        tick(BASE + 60_001, 18, 6),
        tick(BASE + 119_999, 19, 7),
      ],
      60_000,
    );
    expect(bars).toEqual<Candle[]>([
      { start: BASE, open: 10, high: 12, low: 10, close: 12, volume: 3, trades: 2 },
      { start: BASE + 60_000, open: 20, high: 20, low: 18, close: 19, volume: 18, trades: 3 },
    ]);
  });

  it('matches a brute-force reference over many ticks for every interval', () => {
    const rand = random(42);
    const ticks: { timestamp: number; price: number; volume: number }[] = [];
    let t = BASE + 17;
    let price = 100;
    for (let i = 0; i < 2_000; i++) {
      t += Math.floor(rand() * 5_000);
      price = Math.max(0.01, Math.round((price + (rand() - 0.5)) * 100) / 100);
      ticks.push({ timestamp: t, price, volume: Math.floor(rand() * 500) });
    }
    for (const interval of CANDLE_INTERVALS) {
      const intervalMs = CANDLE_INTERVAL_MS[interval];
      const reference = new Map<number, Candle>();
      for (const tk of ticks) {
        const start = Math.floor(tk.timestamp / intervalMs) * intervalMs;
        const bar = reference.get(start);
        if (!bar) {
          reference.set(start, {
            start,
            open: tk.price,
            high: tk.price,
            low: tk.price,
            close: tk.price,
            volume: tk.volume,
            trades: 1,
          });
        } else {
          bar.high = Math.max(bar.high, tk.price);
          bar.low = Math.min(bar.low, tk.price);
          bar.close = tk.price;
          bar.volume += tk.volume;
          bar.trades += 1;
        }
      }
      const expected = [...reference.values()].sort((a, b) => a.start - b.start);
      expect(aggregateCandles(ticks, intervalMs)).toEqual(expected);
      const totalTrades = aggregateCandles(ticks, intervalMs).reduce((n, b) => n + b.trades, 0);
      expect(totalTrades).toBe(ticks.length);
    }
  });
});

describe('CandleAggregator gaps', () => {
  it('does not invent empty bars for intervals without ticks', () => {
    const bars = aggregateCandles(
      [tick(BASE, 10), tick(BASE + 3 * 60_000 + 5, 11), tick(BASE + 10 * 60_000, 12)],
      60_000,
    );
    expect(bars.map((b) => b.start)).toEqual([BASE, BASE + 3 * 60_000, BASE + 10 * 60_000]);
    expect(bars.every((b) => b.trades > 0)).toBe(true);
  });

  it('does not carry the previous close into the next bar’s open across a gap', () => {
    const bars = aggregateCandles([tick(BASE, 10), tick(BASE + 5 * 60_000, 50)], 60_000);
    expect(bars[1]).toMatchObject({ open: 50, high: 50, low: 50, close: 50 });
  });

  it('handles a gap of many days with just two bars', () => {
    const bars = aggregateCandles([tick(BASE, 1), tick(BASE + 30 * 86_400_000, 2)], 1_000);
    expect(bars).toHaveLength(2);
  });
});

describe('CandleAggregator in any order', () => {
  it('gives the bars of the ticks in key order, whatever order they come in', () => {
    const rand = random(7);
    const ticks: TradePoint[] = [];
    let t = BASE;
    for (let i = 0; i < 1_500; i++) {
      // Every fourth tick shares the previous one's millisecond; some land exactly on a minute boundary.
      if (i % 4 !== 0) t += rand() < 0.1 ? 60_000 - (t % 60_000) : Math.floor(rand() * 3_000);
      ticks.push(tick(t, Math.round(1_000 + rand() * 100) / 10, Math.floor(rand() * 50)));
    }
    const keyed = withKeys(ticks);
    const shuffled = [...keyed];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const interval of CANDLE_INTERVALS) {
      const agg = new CandleAggregator(CANDLE_INTERVAL_MS[interval]);
      for (const { trade, key } of shuffled) agg.add(trade, key);
      expect(agg.result()).toEqual(inKeyOrder(keyed, CANDLE_INTERVAL_MS[interval]));
    }
  });

  it('folds a tick from an earlier bar into that bar', () => {
    const agg = new CandleAggregator(60_000);
    agg.add(tick(BASE + 60_000, 10), BASE + 60_000);
    agg.add(tick(BASE + 59_999, 11), BASE + 59_999);
    expect(agg.result()).toEqual<Candle[]>([
      { start: BASE, open: 11, high: 11, low: 11, close: 11, volume: 100, trades: 1 },
      { start: BASE + 60_000, open: 10, high: 10, low: 10, close: 10, volume: 100, trades: 1 },
    ]);
  });

  it('takes open and close from the lowest and highest keys, not from arrival', () => {
    const agg = new CandleAggregator(60_000);
    agg.add(tick(BASE + 30_000, 10), BASE + 30_000);
    agg.add(tick(BASE + 10_000, 9), BASE + 10_000);
    agg.add(tick(BASE + 50_000, 12), BASE + 50_000);
    agg.add(tick(BASE + 20_000, 13), BASE + 20_000);
    expect(agg.result()).toEqual<Candle[]>([
      { start: BASE, open: 9, high: 13, low: 9, close: 12, volume: 400, trades: 4 },
    ]);
  });

  it('orders trades of one millisecond by the fraction of their keys', () => {
    const agg = new CandleAggregator(1_000);
    agg.add(tick(BASE, 12), BASE + 0.002);
    agg.add(tick(BASE, 10), BASE);
    agg.add(tick(BASE, 11), BASE + 0.001);
    expect(agg.result()[0]).toMatchObject({ open: 10, close: 12, trades: 3 });
  });

  it('lets a trade stored under a key already folded win open and close, as the store keeps the later write', () => {
    const agg = new CandleAggregator(1_000);
    agg.add(tick(BASE, 10, 1), BASE);
    agg.add(tick(BASE, 20, 2), BASE);
    expect(agg.result()[0]).toMatchObject({ open: 20, high: 20, low: 10, close: 20 });
  });
});

describe('keyed bars', () => {
  const bar = (start: number, first: [number, number], last: [number, number]) =>
    foldKeyed(
      openKeyedBar(start, tick(Math.floor(first[0]), first[1]), first[0]),
      tick(Math.floor(last[0]), last[1]),
      last[0],
    );

  it('do not change when folded or merged', () => {
    const a = openKeyedBar(BASE, tick(BASE, 10), BASE);
    const copy = { ...a };
    foldKeyed(a, tick(BASE + 1, 11), BASE + 1);
    mergeBars(a, openKeyedBar(BASE, tick(BASE + 2, 12), BASE + 2));
    expect(a).toEqual(copy);
  });

  it('merge into one bar with the earliest open, the latest close and the sums, in either order', () => {
    const early = bar(BASE, [BASE + 1, 10], [BASE + 5, 14]);
    const late = bar(BASE, [BASE + 3, 8], [BASE + 9, 11]);
    const merged = { start: BASE, open: 10, high: 14, low: 8, close: 11, volume: 400, trades: 4 };
    expect(toCandle(mergeBars(early, late))).toEqual(merged);
    expect(toCandle(mergeBars(late, early))).toEqual(merged);
  });
});

describe('CandleAggregator.addSpan', () => {
  it('takes a second of trades as folding them one by one would, in any order among other trades', () => {
    const trades = [tick(BASE + 100, 10), tick(BASE + 400, 14), tick(BASE + 700, 9), tick(BASE + 900, 12)];
    const late = tick(BASE + 61_500, 20);
    for (const interval of [1_000, 60_000, 300_000]) {
      const byTrade = new CandleAggregator(interval);
      for (const t of [...trades, late]) byTrade.add(t, t.timestamp);
      const bySpan = new CandleAggregator(interval);
      bySpan.add(late, late.timestamp);
      bySpan.addSpan({
        timestamp: BASE + 900,
        price: 12,
        volume: 400,
        open: 10,
        high: 14,
        low: 9,
        trades: 4,
        openKey: BASE,
        closeKey: BASE + 900,
      });
      expect(bySpan.result()).toEqual(byTrade.result());
    }
  });
});

describe('rollUp', () => {
  it('folds minute bars into every coarser interval as folding the ticks would', () => {
    const rand = random(11);
    const ticks: TradePoint[] = [];
    for (let t = BASE + 13; t < BASE + 5 * 3_600_000; t += Math.floor(rand() * 40_000)) {
      // A quiet stretch now and then leaves minutes, and some 5- and 15-minute bars, without trades.
      if (rand() < 0.02) t += 20 * 60_000;
      ticks.push(tick(t, Math.round(500 + rand() * 100) / 10, Math.floor(rand() * 10)));
    }
    const keyed = withKeys(ticks);
    const minutes = new CandleAggregator(60_000);
    for (const { trade, key } of keyed) minutes.add(trade, key);
    for (const intervalMs of [60_000, 300_000, 900_000, 3_600_000]) {
      expect(rollUp(minutes.bars(), intervalMs)).toEqual(inKeyOrder(keyed, intervalMs));
    }
  });

  it('gives no candles for no bars, and strips the keys', () => {
    expect(rollUp([], 300_000)).toEqual([]);
    const [candle] = rollUp([openKeyedBar(BASE + 60_000, tick(BASE + 60_001, 5), BASE + 60_001)], 300_000);
    expect(candle).toEqual({ start: BASE, open: 5, high: 5, low: 5, close: 5, volume: 100, trades: 1 });
  });
});

describe('CandleAggregator.result()', () => {
  it('returns copies: mutating a returned bar does not change the aggregator', () => {
    const agg = new CandleAggregator(60_000);
    agg.add(tick(BASE, 10, 5), BASE);
    const first = agg.result();
    first[0]!.close = 999;
    first[0]!.volume = -1;
    first.push({ start: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, trades: 0 });
    expect(agg.result()).toEqual<Candle[]>([
      { start: BASE, open: 10, high: 10, low: 10, close: 10, volume: 5, trades: 1 },
    ]);
  });

  it('returns a snapshot: later ticks do not change a previously returned result', () => {
    const agg = new CandleAggregator(60_000);
    agg.add(tick(BASE, 10, 5), BASE);
    const snapshot = agg.result();
    agg.add(tick(BASE + 1, 20, 5), BASE + 1);
    agg.add(tick(BASE + 60_000, 30, 5), BASE + 60_000);
    expect(snapshot).toEqual<Candle[]>([{ start: BASE, open: 10, high: 10, low: 10, close: 10, volume: 5, trades: 1 }]);
    expect(agg.result()).toHaveLength(2);
  });

  it('returns a new array and new bar objects on each call', () => {
    const agg = new CandleAggregator(60_000);
    agg.add(tick(BASE, 10), BASE);
    const a = agg.result();
    const b = agg.result();
    expect(a).not.toBe(b);
    expect(a[0]).not.toBe(b[0]);
    expect(a).toEqual(b);
  });

  it('lets you keep adding after calling result() (page-by-page use)', () => {
    const agg = new CandleAggregator(1_000);
    agg.add(tick(BASE, 1), BASE);
    agg.result();
    agg.add(tick(BASE + 500, 3), BASE + 500);
    agg.add(tick(BASE + 1_000, 2), BASE + 1_000);
    expect(agg.result()).toEqual<Candle[]>([
      { start: BASE, open: 1, high: 3, low: 1, close: 3, volume: 200, trades: 2 },
      { start: BASE + 1_000, open: 2, high: 2, low: 2, close: 2, volume: 100, trades: 1 },
    ]);
  });
});

describe('aggregateCandles', () => {
  it('returns an empty list for no ticks', () => {
    expect(aggregateCandles([], 60_000)).toEqual([]);
  });

  it('throws for an invalid interval even with no ticks', () => {
    expect(() => aggregateCandles([], 0)).toThrow(RangeError);
    expect(() => aggregateCandles([tick(BASE, 1)], -5)).toThrow(RangeError);
  });

  it('accepts any iterable, such as a generator', () => {
    function* gen() {
      yield tick(BASE, 1);
      yield tick(BASE + 1_500, 2);
    }
    expect(aggregateCandles(gen(), 1_000).map((b) => b.start)).toEqual([BASE, BASE + 1_000]);
  });

  it('gives the same bars as feeding a CandleAggregator page by page, pages in any order', () => {
    const ticks = Array.from({ length: 50 }, (_, i) => tick(BASE + i * 7_300, 100 + (i % 7), i + 1));
    const agg = new CandleAggregator(60_000);
    // Newest page first, as the store is read.
    for (const page of [ticks.slice(31), ticks.slice(13, 31), ticks.slice(0, 13)]) {
      for (const tk of page) agg.add(tk, tk.timestamp);
    }
    expect(agg.result()).toEqual(aggregateCandles(ticks, 60_000));
  });

  it('does not modify the input ticks', () => {
    const ticks = [tick(BASE, 1, 10), tick(BASE + 1, 2, 20)];
    const copy = ticks.map((t) => ({ ...t }));
    aggregateCandles(ticks, 1_000);
    expect(ticks).toEqual(copy);
  });
});
