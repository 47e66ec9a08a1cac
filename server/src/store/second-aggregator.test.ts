import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import type { Tick } from '@tickwatch/shared';
import {
  RECENT_SECONDS_PER_SYMBOL,
  REMEMBER_MS,
  SECOND_GRACE_MS,
  SecondAggregator,
  type SecondItem,
} from './second-aggregator.js';
import { TICK_TTL_SECONDS } from './tables.js';
import { TickSequencer } from './tick-sequencer.js';
import type { TickItem } from './ticks-repository.js';

/** 2024-11-14T22:13:20.000Z, a whole second. */
const T = 1_731_622_400_000;

function tick(timestamp: number, price: number, volume = 10, symbol = 'AAPL'): Tick {
  return { symbol, timestamp, price, volume, source: 'http_ingest' };
}

const items = <T>(out: SecondItem<T>[]) => out.map((o) => o.item);

describe('SecondAggregator', () => {
  it('holds a second open until a trade of a later second closes it, and stores it under its first trade’s key', () => {
    const agg = new SecondAggregator();
    expect(agg.add(tick(T + 5, 100), T + 5, T)).toEqual([]);
    expect(agg.add(tick(T + 900, 102, 5), T + 900, T)).toEqual([]);
    expect(agg.add(tick(T + 400, 99, 1), T + 400, T)).toEqual([]);
    expect(agg.openSeconds).toBe(1);
    expect(items(agg.add(tick(T + 1_000, 101), T + 1_000, T))).toEqual([
      {
        symbol: 'AAPL',
        timestamp: T + 5,
        price: 102,
        volume: 16,
        source: 'http_ingest',
        ttl: T / 1000 + TICK_TTL_SECONDS,
        open: 100,
        high: 102,
        low: 99,
        trades: 3,
        last_key: T + 900,
      },
    ]);
    expect(agg.openSeconds).toBe(1);
  });

  it('orders a second by keys, not arrival: a late trade of the open second can be its open or its close', () => {
    // Its key stays the first arrival's.
    const agg = new SecondAggregator();
    agg.add(tick(T + 500, 100), T + 500, T);
    agg.add(tick(T + 100, 90), T + 100, T);
    agg.add(tick(T + 800, 95), T + 800, T);
    agg.add(tick(T + 800, 96), T + 800.001, T);
    const [second] = items(agg.flushAll());
    expect(second).toMatchObject({ timestamp: T + 500, open: 90, price: 96, high: 100, low: 90, trades: 4 });
  });

  it('keeps symbols apart', () => {
    const agg = new SecondAggregator();
    agg.add(tick(T, 100, 1, 'AAPL'), T, T);
    expect(agg.add(tick(T + 1_500, 50, 1, 'MSFT'), T + 1_500, T)).toEqual([]);
    const closed = items(agg.flushAll());
    expect(closed.map((i) => [i.symbol, i.timestamp])).toEqual([
      ['AAPL', T],
      ['MSFT', T + 1_500],
    ]);
  });

  it('is due a grace period after its end, within a second after it opened', () => {
    const agg = new SecondAggregator();
    agg.add(tick(T + 300, 100, 1, 'AAPL'), T + 300, T + 300);
    agg.add(tick(T + 60_000, 100, 1, 'MSFT'), T + 60_000, T + 300);
    expect(agg.flush(T + 1_000 + SECOND_GRACE_MS - 1)).toEqual([]);
    expect(items(agg.flush(T + 1_000 + SECOND_GRACE_MS)).map((i) => i.symbol)).toEqual(['AAPL']);
    expect(agg.flush(T + 300 + 1_000 + SECOND_GRACE_MS - 1)).toEqual([]);
    expect(items(agg.flush(T + 300 + 1_000 + SECOND_GRACE_MS)).map((i) => i.symbol)).toEqual(['MSFT']);
    expect(agg.openSeconds).toBe(0);
    expect(agg.flushAll()).toEqual([]);
    // A trade from the past: its second waits the grace period from when it opened.
    agg.add(tick(T, 100, 1, 'OLD'), T, T + 10_000);
    expect(agg.flush(T + 10_000 + SECOND_GRACE_MS - 1)).toEqual([]);
    expect(items(agg.flush(T + 10_000 + SECOND_GRACE_MS)).map((i) => i.symbol)).toEqual(['OLD']);
  });

  it('corrects a closed second under the key it was first handed out with, whatever the late trade’s key', () => {
    const agg = new SecondAggregator();
    agg.add(tick(T + 200, 100), T + 200, T);
    const [first] = items(agg.add(tick(T + 1_000, 101), T + 1_000, T));
    const [corrected] = items(agg.add(tick(T + 100, 110, 3), T + 100, T));
    expect(first!.timestamp).toBe(T + 200);
    expect(corrected).toMatchObject({ timestamp: T + 200, price: 100, high: 110, open: 110, volume: 13, trades: 2 });
    // The open second was not touched.
    expect(items(agg.flushAll())).toMatchObject([{ timestamp: T + 1_000, trades: 1 }]);
  });

  it('corrects a second closed by flush even after an older second opened since', () => {
    const agg = new SecondAggregator();
    agg.add(tick(T + 3_100, 100), T + 3_100, T + 3_100);
    expect(items(agg.flush(T + 10_000))).toMatchObject([{ timestamp: T + 3_100 }]);
    agg.add(tick(T + 1_100, 90), T + 1_100, T + 10_000);
    const out = items(agg.add(tick(T + 3_200, 101), T + 3_200, T + 10_000));
    expect(out).toMatchObject([{ timestamp: T + 3_100, price: 101, trades: 2 }]);
    expect(items(agg.flushAll())).toMatchObject([{ timestamp: T + 1_100, trades: 1 }]);
  });

  it('stores a trade of a second it never saw, older than the open one, as that second', () => {
    const agg = new SecondAggregator();
    agg.add(tick(T + 5_000, 100), T + 5_000, T);
    const [late] = items(agg.add(tick(T + 2_300, 90), T + 2_300, T));
    expect(late).toMatchObject({ timestamp: T + 2_300, trades: 1, open: 90 });
    const [again] = items(agg.add(tick(T + 2_100, 80), T + 2_100, T));
    expect(again).toMatchObject({ timestamp: T + 2_300, trades: 2, open: 80, price: 90 });
  });

  it(`remembers ${RECENT_SECONDS_PER_SYMBOL} closed seconds per symbol; a trade later than that is an item of its own`, () => {
    const agg = new SecondAggregator();
    for (let s = 0; s <= RECENT_SECONDS_PER_SYMBOL + 1; s++)
      agg.add(tick(T + s * 1_000 + 10, 100), T + s * 1_000 + 10, T);
    // Closing second RECENT forgot second 0; second 1 is still remembered.
    const [kept] = items(agg.add(tick(T + 1_500, 100), T + 1_500, T));
    expect(kept).toMatchObject({ timestamp: T + 1_010, trades: 2 });
    agg.add(tick(T + (RECENT_SECONDS_PER_SYMBOL + 2) * 1_000, 100), T + (RECENT_SECONDS_PER_SYMBOL + 2) * 1_000, T);
    const [own] = items(agg.add(tick(T + 500, 100), T + 500, T));
    expect(own).toMatchObject({ timestamp: T + 500, trades: 1 });
  });

  it(`forgets closed seconds ${REMEMBER_MS / 60_000} minutes after they opened, and a symbol with none left`, () => {
    const agg = new SecondAggregator();
    agg.add(tick(T + 10, 100), T + 10, T);
    agg.add(tick(T + 1_010, 101, 10, 'MSFT'), T + 1_010, T + 1_000);
    expect(items(agg.flush(T + 5_000))).toHaveLength(2);
    // Still remembered: a late trade corrects its second.
    expect(items(agg.add(tick(T + 500, 99), T + 500, T + 60_000))).toEqual([
      expect.objectContaining({ timestamp: T + 10, trades: 2 }),
    ]);
    expect(agg.flush(T + REMEMBER_MS + 500)).toEqual([]);
    // AAPL's second is forgotten (opened at T); MSFT's (opened at T + 1 s) is not yet.
    expect(items(agg.add(tick(T + 1_020, 102, 10, 'MSFT'), T + 1_020, T + REMEMBER_MS + 900))).toEqual([
      expect.objectContaining({ timestamp: T + 1_010, trades: 2 }),
    ]);
    expect(agg.add(tick(T + 600, 98), T + 600, T + REMEMBER_MS + 900)).toEqual([]);
    expect(items(agg.flush(T + REMEMBER_MS + 5_000))).toEqual([
      expect.objectContaining({ timestamp: T + 600, trades: 1 }),
    ]);
  });

  it('hands out each trade’s tag once, with the item that first holds the trade', () => {
    const agg = new SecondAggregator<string>();
    expect(agg.add(tick(T + 1, 1), T + 1, T, 'a')).toEqual([]);
    agg.add(tick(T + 2, 1), T + 2, T, 'b');
    expect(agg.add(tick(T + 1_001, 1), T + 1_001, T, 'c').map((o) => o.tags)).toEqual([['a', 'b']]);
    expect(agg.add(tick(T + 3, 1), T + 3, T, 'd').map((o) => o.tags)).toEqual([['d']]);
    expect(agg.flushAll().map((o) => o.tags)).toEqual([['c']]);
  });

  describe('against a naive fold of every trade by key, on seeded random bursts', () => {
    for (const seed of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      it(`seed ${seed}`, () => {
        const random = seedrandom(seed);
        const symbols = ['AAPL', 'MSFT', 'NVDA'];
        const harness = new SecondAggregatorHarness();
        // Trades over 40 s, several per millisecond at times, arriving mostly in order with some up to 3 s late.
        const trades: Tick[] = [];
        let clock = T;
        for (let i = 0; i < 3_000; i++) {
          clock += random() < 0.3 ? 0 : Math.floor(random() * 30);
          const late = random() < 0.05 ? Math.floor(random() * 3_000) : 0;
          const symbol = symbols[Math.floor(random() * symbols.length)]!;
          trades.push(
            tick(
              Math.max(T, clock - late),
              100 + Math.round(random() * 1_000) / 100,
              1 + Math.floor(random() * 50),
              symbol,
            ),
          );
        }
        for (const [i, trade] of trades.entries()) {
          harness.add(trade, i);
          if (random() < 0.1) harness.flush(trade.timestamp + Math.floor(random() * 3_000));
        }
        harness.finish();
        harness.check(trades.length);
      });
    }
  });
});

/** Feeds an aggregator as the pipeline does and keeps what a store would (later writes replace earlier ones). */
class SecondAggregatorHarness {
  private readonly agg = new SecondAggregator<number>();
  private readonly sequencer = new TickSequencer();
  private readonly stored = new Map<string, TickItem>();
  private readonly folded: { tick: Tick; key: number }[] = [];
  private readonly tags: number[] = [];

  add(trade: Tick, tag: number): void {
    const key = this.sequencer.next(trade.symbol, trade.timestamp);
    this.folded.push({ tick: trade, key });
    this.keep(this.agg.add(trade, key, trade.timestamp, tag));
  }

  flush(now: number): void {
    this.keep(this.agg.flush(now));
  }

  finish(): void {
    this.keep(this.agg.flushAll());
  }

  check(count: number): void {
    expect(this.agg.openSeconds).toBe(0);
    expect(this.tags.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    const expected = new Map<string, TickItem>();
    const byKey = [...this.folded].sort((a, b) => a.key - b.key);
    for (const { tick, key } of byKey) {
      const id = `${tick.symbol}|${Math.floor(tick.timestamp / 1000)}`;
      const item = expected.get(id);
      if (!item) {
        expected.set(id, {
          symbol: tick.symbol,
          timestamp: key,
          price: tick.price,
          volume: tick.volume,
          source: tick.source,
          ttl: Math.floor(tick.timestamp / 1000) + TICK_TTL_SECONDS,
          open: tick.price,
          high: tick.price,
          low: tick.price,
          trades: 1,
          last_key: key,
        });
        continue;
      }
      item.price = tick.price;
      item.last_key = key;
      item.volume += tick.volume;
      item.high = Math.max(item.high!, tick.price);
      item.low = Math.min(item.low!, tick.price);
      item.trades! += 1;
    }
    // One item per symbol and second: its key is a trade of that second, and the rest is the naive fold's.
    const bySecond = new Map<string, TickItem>();
    for (const item of this.stored.values()) {
      const id = `${item.symbol}|${Math.floor(item.timestamp / 1000)}`;
      expect(bySecond.has(id)).toBe(false);
      bySecond.set(id, item);
    }
    expect(bySecond.size).toBe(expected.size);
    for (const [id, item] of bySecond) {
      const { timestamp: _stored, ...rest } = item;
      const { timestamp: _first, ...want } = expected.get(id)!;
      expect(rest, id).toEqual(want);
      expect(this.folded.some(({ tick, key }) => key === item.timestamp && tick.symbol === item.symbol)).toBe(true);
    }
  }

  private keep(out: SecondItem<number>[]): void {
    for (const { item, tags } of out) {
      this.stored.set(`${item.symbol}|${item.timestamp}`, item);
      this.tags.push(...tags);
    }
  }
}
