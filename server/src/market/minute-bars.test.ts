import { describe, expect, it } from 'vitest';
import { MAX_FUTURE_SKEW_MS, liveFrom, type Candle, type KeyedSpan, type Tick } from '@tickwatch/shared';
import { CandleAggregator, rollUp } from './candles.js';
import { MINUTE_MS, MinuteBars, type TimeRange } from './minute-bars.js';

const TTL_SECONDS = 86_400;
const DAY = TTL_SECONDS * 1000;
const HOUR = 3_600_000;
/** 2026-01-15T14:00:00.000Z: a whole hour, so on a boundary of every interval. */
const BASE = Date.UTC(2026, 0, 15, 14);
const INTERVALS = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, HOUR];

/** A stored trade as the store reads it back. */
function single(tick: Tick, key: number): KeyedSpan {
  const { timestamp, price, volume } = tick;
  return { timestamp, price, volume, open: price, high: price, low: price, trades: 1, openKey: key, closeKey: key };
}

interface Stored {
  tick: Tick;
  key: number;
}

/**
 * The minute bars beside what the store would hold: every tick handed to `add` (as the pipeline does), plus those
 * `storeOnly` writes (an earlier run, another process). The clock is the test's.
 */
function market(start: number) {
  let now = start;
  const bars = new MinuteBars({ ttlSeconds: TTL_SECONDS, now: () => now });
  const stored: Stored[] = [];
  const perMs = new Map<string, number>();
  /** A storage key as the tick sequencer gives it: the millisecond, plus n/1000 for its n-th later trade. */
  const keyFor = (tick: Tick) => {
    const id = `${tick.symbol}@${tick.timestamp}`;
    const n = perMs.get(id) ?? 0;
    perMs.set(id, n + 1);
    return tick.timestamp + n / 1000;
  };
  return {
    bars,
    stored,
    get now() {
      return now;
    },
    set now(value: number) {
      now = value;
    },
    add(tick: Tick) {
      const key = keyFor(tick);
      stored.push({ tick, key });
      bars.add(tick, key);
    },
    storeOnly(tick: Tick) {
      stored.push({ tick, key: keyFor(tick) });
    },
    /** The stored ticks of a symbol and range the store returns now, in no particular order. */
    read(symbol: string, range: TimeRange): Stored[] {
      const lower = Math.max(range.from, liveFrom(now, TTL_SECONDS));
      const found = stored.filter(
        (s) => s.tick.symbol === symbol && s.tick.timestamp >= lower && s.tick.timestamp <= range.to,
      );
      return found.reverse();
    },
    /** What the candles endpoint answers: the bars' slice, its cut minutes read from the store. */
    candles(symbol: string, from: number, to: number, intervalMs: number): Candle[] {
      const slice = bars.slice(symbol, from, to);
      const fromStore = (range: TimeRange | undefined) => {
        if (!range) return [];
        const aggregator = new CandleAggregator(MINUTE_MS);
        for (const { tick, key } of this.read(symbol, range)) aggregator.add(tick, key);
        return aggregator.bars();
      };
      return rollUp([...fromStore(slice.before), ...slice.bars, ...fromStore(slice.after)], intervalMs);
    },
    /**
     * What folding every stored tick gives, as the endpoint did before the minute bars (CandleAggregator, checked
     * against a naive fold in candles.test.ts).
     */
    reference(symbol: string, from: number, to: number, intervalMs: number): Candle[] {
      const aggregator = new CandleAggregator(intervalMs);
      for (const { tick, key } of this.read(symbol, { from, to })) aggregator.add(tick, key);
      return aggregator.result();
    },
    /** Reads what warmUp asks for, in the store's pages (newest first), and merges it. */
    warm(symbol: string, from: number) {
      const warm = bars.warmUp(symbol, from);
      if (!warm) return false;
      for (const { tick, key } of this.read(symbol, warm)) warm.add(single(tick, key));
      warm.finish();
      return true;
    },
  };
}

const tick = (timestamp: number, price: number, volume = 100, symbol = 'AAPL'): Tick => ({
  symbol,
  timestamp,
  price,
  volume,
  source: 'http_ingest',
});

function random(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('MinuteBars', () => {
  it('folds the ticks of one minute into one bar', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE + 1_000, 100, 10));
    m.add(tick(BASE + 20_000, 105, 20));
    m.add(tick(BASE + 40_000, 95, 30));
    m.add(tick(BASE + 59_999, 101, 40));
    expect(m.candles('AAPL', BASE, BASE + HOUR, MINUTE_MS)).toEqual<Candle[]>([
      { start: BASE, open: 100, high: 105, low: 95, close: 101, volume: 100, trades: 4 },
    ]);
    expect(m.bars.size).toBe(1);
  });

  it('puts a tick on a minute boundary in the minute that starts there, and leaves quiet minutes out', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE + MINUTE_MS - 1, 10));
    m.add(tick(BASE + MINUTE_MS, 11));
    m.add(tick(BASE + 7 * MINUTE_MS + 5, 12));
    const { bars } = m.bars.slice('AAPL', BASE, BASE + HOUR);
    expect(bars.map((b) => [b.start, b.open, b.trades])).toEqual([
      [BASE, 10, 1],
      [BASE + MINUTE_MS, 11, 1],
      [BASE + 7 * MINUTE_MS, 12, 1],
    ]);
  });

  it('folds a late tick where the store puts it: into its own minute, as its open if it is the earliest', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE + 30_000, 10));
    m.add(tick(BASE + 3 * MINUTE_MS, 20));
    m.add(tick(BASE + 10_000, 9));
    m.add(tick(BASE + MINUTE_MS + 1, 15));
    expect(m.candles('AAPL', BASE, BASE + HOUR, MINUTE_MS)).toEqual<Candle[]>([
      { start: BASE, open: 9, high: 10, low: 9, close: 10, volume: 200, trades: 2 },
      { start: BASE + MINUTE_MS, open: 15, high: 15, low: 15, close: 15, volume: 100, trades: 1 },
      { start: BASE + 3 * MINUTE_MS, open: 20, high: 20, low: 20, close: 20, volume: 100, trades: 1 },
    ]);
  });

  it('orders trades of one millisecond as they arrived, as their keys do', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE + 5, 10, 1));
    m.add(tick(BASE + 5, 12, 2));
    m.add(tick(BASE + 5, 11, 3));
    expect(m.candles('AAPL', BASE, BASE + HOUR, MINUTE_MS)[0]).toMatchObject({ open: 10, close: 11, volume: 6 });
  });

  it('keeps symbols apart', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE, 10, 1, 'AAPL'));
    m.add(tick(BASE + 1, 20, 2, 'MSFT'));
    expect(m.candles('AAPL', BASE, BASE + HOUR, MINUTE_MS)).toHaveLength(1);
    expect(m.candles('MSFT', BASE, BASE + HOUR, MINUTE_MS)[0]).toMatchObject({ open: 20, volume: 2 });
    expect(m.candles('NVDA', BASE, BASE + HOUR, MINUTE_MS)).toEqual([]);
  });

  it('does not change a bar it handed out when later ticks arrive', () => {
    const m = market(BASE + HOUR);
    m.add(tick(BASE, 10));
    const [bar] = m.bars.slice('AAPL', BASE, BASE + HOUR).bars;
    const copy = { ...bar! };
    m.add(tick(BASE + 1, 12));
    expect(bar).toEqual(copy);
  });

  describe('window', () => {
    it('drops a tick the store already counts as expired', () => {
      const m = market(BASE + DAY + HOUR);
      m.add(tick(BASE, 10));
      expect(m.bars.size).toBe(0);
    });

    it('evicts bars as their minute leaves the window, so a symbol holds at most a day of minutes', () => {
      const m = market(BASE);
      let most = 0;
      for (let t = BASE; t < BASE + 2 * DAY; t += 20_000) {
        m.now = t;
        m.add(tick(t, 10));
        most = Math.max(most, m.bars.size);
      }
      expect(most).toBe(DAY / MINUTE_MS + 1);
      expect(m.candles('AAPL', 0, m.now, MINUTE_MS)).toEqual(m.reference('AAPL', 0, m.now, MINUTE_MS));
    });

    it('cuts the minute the window starts in at the store’s second, reading the rest of it from the store', () => {
      const m = market(BASE);
      for (let t = BASE; t < BASE + 2 * MINUTE_MS; t += 700) m.add(tick(t, 10 + (t % 7), 1));
      // The store returns ticks from 12:00:25.000 a day later on: the first minute is cut inside.
      m.now = BASE + DAY + 24_500;
      const slice = m.bars.slice('AAPL', 0, m.now);
      expect(slice.before).toEqual({ from: BASE + 25_000, to: BASE + MINUTE_MS - 1 });
      expect(slice.bars.map((b) => b.start)).toEqual([BASE + MINUTE_MS]);
      expect(m.candles('AAPL', 0, m.now, MINUTE_MS)).toEqual(m.reference('AAPL', 0, m.now, MINUTE_MS));
    });
  });

  describe('slice', () => {
    const m = market(BASE + HOUR);
    for (const t of [10_000, 50_000, 70_000, 130_000, 170_000]) m.add(tick(BASE + t, t / 1000));

    it('takes a minute cut by the range whole when all its trades are inside it', () => {
      const slice = m.bars.slice('AAPL', BASE + 5_000, BASE + 175_000);
      expect(slice.before).toBeUndefined();
      expect(slice.after).toBeUndefined();
      expect(slice.bars.map((b) => b.start)).toEqual([BASE, BASE + MINUTE_MS, BASE + 2 * MINUTE_MS]);
    });

    it('names the cut minutes that hold trades outside the range, to be read from the store', () => {
      const slice = m.bars.slice('AAPL', BASE + 20_000, BASE + 150_000);
      expect(slice.before).toEqual({ from: BASE + 20_000, to: BASE + MINUTE_MS - 1 });
      expect(slice.bars.map((b) => b.start)).toEqual([BASE + MINUTE_MS]);
      expect(slice.after).toEqual({ from: BASE + 2 * MINUTE_MS, to: BASE + 150_000 });
    });

    it('names one stretch for a range inside one minute', () => {
      const slice = m.bars.slice('AAPL', BASE + 20_000, BASE + 55_000);
      expect(slice).toEqual({ bars: [], before: { from: BASE + 20_000, to: BASE + 55_000 } });
    });

    it('is empty for a range before the window or with nothing traded', () => {
      expect(m.bars.slice('AAPL', 0, BASE + HOUR - DAY)).toEqual({ bars: [] });
      expect(m.bars.slice('AAPL', BASE + 3 * MINUTE_MS, BASE + HOUR)).toEqual({ bars: [] });
    });
  });

  it('answers every range and interval as folding the stored ticks would, over a day of late, simultaneous and boundary ticks', () => {
    const rand = random(2026);
    const m = market(BASE);
    let t = BASE;
    // 26 hours at about six ticks a minute, so the window has moved past the first two hours by the end.
    while (t < BASE + 26 * HOUR) {
      const roll = rand();
      if (roll < 0.1) t += MINUTE_MS - (t % MINUTE_MS);
      else if (roll < 0.2) t += 0;
      else if (roll < 0.202) t += 30 * MINUTE_MS;
      else t += Math.floor(rand() * 10_000);
      m.now = t + Math.floor(rand() * 2_000);
      const price = Math.round(1_000 + rand() * 200) / 10;
      const late = rand() < 0.1 ? Math.floor(rand() * 10 * MINUTE_MS) : 0;
      m.add(tick(Math.max(BASE, t - late), price, Math.floor(rand() * 500)));
    }
    expect(m.stored.length).toBeGreaterThan(5_000);
    for (let i = 0; i < 200; i++) {
      const intervalMs = INTERVALS[i % INTERVALS.length]!;
      const to = m.now - Math.floor(rand() * 26 * HOUR);
      const from = i % 10 === 0 ? 0 : to - Math.floor(rand() * (i % 2 === 0 ? DAY : 2 * HOUR));
      expect(m.candles('AAPL', from, to, intervalMs)).toEqual(m.reference('AAPL', from, to, intervalMs));
    }
    expect(m.candles('AAPL', 0, m.now, MINUTE_MS)).toEqual(m.reference('AAPL', 0, m.now, MINUTE_MS));
  }, 30_000);

  describe('warm-up', () => {
    /** A day that an earlier run stored, up to the start of this one, which then takes ticks itself. */
    function restarted() {
      const m = market(BASE + DAY);
      for (let t = BASE + 1_000; t < BASE + DAY; t += 37_000) m.storeOnly(tick(t, 100 + (t % 13), 7));
      const newest = m.stored.at(-1)!.tick.timestamp;
      m.bars.storedElsewhere('AAPL', newest);
      return { m, newest };
    }

    it('reads the stored ticks the bars lack once, and then answers as folding the stored ticks would', () => {
      const { m, newest } = restarted();
      m.add(tick(BASE + DAY + 1_000, 200));
      const warm = m.bars.warmUp('AAPL', BASE + DAY - HOUR);
      expect(warm).toMatchObject({ from: liveFrom(m.now, TTL_SECONDS), to: newest });
      for (const { tick: t, key } of m.read('AAPL', warm!)) warm!.add(single(t, key));
      warm!.finish();
      expect(m.bars.warmUp('AAPL', 0)).toBeUndefined();
      for (const intervalMs of INTERVALS) {
        expect(m.candles('AAPL', 0, m.now, intervalMs)).toEqual(m.reference('AAPL', 0, m.now, intervalMs));
      }
    });

    it('counts once a late tick that is both folded live and among the stored ticks it reads', () => {
      const { m } = restarted();
      m.add(tick(BASE + DAY - 3 * HOUR, 1, 1_000));
      m.add(tick(BASE + DAY - 3 * HOUR, 500, 1_000));
      expect(m.warm('AAPL', 0)).toBe(true);
      expect(m.candles('AAPL', 0, m.now, HOUR)).toEqual(m.reference('AAPL', 0, m.now, HOUR));
    });

    it('keeps folding live ticks, late ones included, while it reads', () => {
      const { m } = restarted();
      const warm = m.bars.warmUp('AAPL', 0)!;
      const toRead = m.read('AAPL', warm);
      toRead.forEach(({ tick: t, key }, i) => {
        if (i % 100 === 0) {
          m.now += 1_000;
          m.add(tick(m.now, 300 + i, 3));
          m.add(tick(BASE + DAY - i * 10_000, 400 + i, 5));
        }
        warm.add(single(t, key));
      });
      warm.finish();
      for (const intervalMs of INTERVALS) {
        expect(m.candles('AAPL', 0, m.now, intervalMs)).toEqual(m.reference('AAPL', 0, m.now, intervalMs));
      }
    });

    it('adds nothing when a second warm-up finishes after the first', () => {
      const { m } = restarted();
      const first = m.bars.warmUp('AAPL', 0)!;
      const second = m.bars.warmUp('AAPL', 0)!;
      for (const warm of [first, second]) {
        for (const { tick: t, key } of m.read('AAPL', warm)) warm.add(single(t, key));
        warm.finish();
      }
      expect(m.candles('AAPL', 0, m.now, HOUR)).toEqual(m.reference('AAPL', 0, m.now, HOUR));
    });

    it('leaves the bars as they were when a read fails before finishing, so the next one starts over', () => {
      const { m } = restarted();
      m.add(tick(BASE + DAY + 5, 250));
      const failed = m.bars.warmUp('AAPL', 0)!;
      for (const { tick: t, key } of m.read('AAPL', failed).slice(0, 100)) failed.add(single(t, key));
      expect(m.bars.size).toBe(1);
      expect(m.warm('AAPL', 0)).toBe(true);
      expect(m.candles('AAPL', 0, m.now, HOUR)).toEqual(m.reference('AAPL', 0, m.now, HOUR));
    });

    it('is not needed for a range after what was stored, nor once that has expired', () => {
      const { m, newest } = restarted();
      expect(m.bars.warmUp('AAPL', newest + 1)).toBeUndefined();
      expect(m.bars.warmUp('AAPL', newest)).toBeDefined();
      m.now = newest + DAY;
      expect(m.bars.warmUp('AAPL', 0)).toBeUndefined();
    });

    it('is not needed for a symbol whose first tick this run took, with nothing stored before', () => {
      const m = market(BASE + HOUR);
      m.add(tick(BASE, 10));
      expect(m.bars.warmUp('AAPL', 0)).toBeUndefined();
    });

    it('reads a symbol another process stored, up to what that process’s clock could have stamped', () => {
      const m = market(BASE + HOUR);
      m.storeOnly(tick(BASE, 10));
      m.storeOnly(tick(BASE + HOUR + 60_000, 11));
      const warm = m.bars.warmUp('AAPL', 0);
      expect(warm?.to).toBe(BASE + HOUR + MAX_FUTURE_SKEW_MS);
      m.add(tick(BASE + HOUR + 1, 12));
      for (const { tick: t, key } of m.read('AAPL', warm!)) warm!.add(single(t, key));
      warm!.finish();
      expect(m.candles('AAPL', 0, BASE + 2 * HOUR, MINUTE_MS)).toEqual(
        m.reference('AAPL', 0, BASE + 2 * HOUR, MINUTE_MS),
      );
    });
  });
});
