import { describe, it, expect } from 'vitest';
import type { Tick } from '@tickwatch/shared';
import { MarketState } from './market-state.js';

const T = Date.UTC(2024, 10, 5, 14, 30, 0, 0);

function tick(symbol: string, timestamp: number, price = 100, volume = 10): Tick {
  return { symbol, timestamp, price, volume, source: 'simulator' };
}

describe('MarketState', () => {
  it('starts empty', () => {
    const latest = new MarketState();
    expect(latest.size).toBe(0);
    expect(latest.symbols()).toEqual([]);
    expect(latest.latest('AAPL')).toBeUndefined();
  });

  it('records the first tick of a symbol and reports it as the latest', () => {
    const latest = new MarketState();
    const t = tick('AAPL', T, 228.5);
    expect(latest.apply(t)).toBeDefined();
    expect(latest.latest('AAPL')).toEqual(t);
    expect(latest.size).toBe(1);
  });

  it('forgets a symbol: its next tick starts it afresh, and other symbols stay', () => {
    const market = new MarketState();
    market.apply(tick('AAPL', T, 1));
    market.apply(tick('MSFT', T, 5));
    market.forget('AAPL');
    expect(market.latest('AAPL')).toBeUndefined();
    expect(market.dayBar('AAPL')).toBeNull();
    expect(market.symbols()).toEqual(['MSFT']);
    expect(market.apply(tick('AAPL', T - 1, 2))?.before).toBeUndefined();
  });

  it('replaces the tick with a newer one', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T, 1));
    const newer = tick('AAPL', T + 1, 2);
    expect(latest.apply(newer)).toBeDefined();
    expect(latest.latest('AAPL')).toEqual(newer);
    expect(latest.size).toBe(1);
  });

  it('ignores an older tick and returns false', () => {
    const latest = new MarketState();
    const current = tick('AAPL', T, 1);
    latest.apply(current);
    expect(latest.apply(tick('AAPL', T - 1, 2))).toBeUndefined();
    expect(latest.latest('AAPL')).toEqual(current);
  });

  it('ignores a much older tick even after many updates', () => {
    const latest = new MarketState();
    for (let i = 0; i < 100; i++) latest.apply(tick('AAPL', T + i, 100 + i));
    expect(latest.apply(tick('AAPL', T, 1))).toBeUndefined();
    expect(latest.latest('AAPL')?.price).toBe(199);
  });

  it('lets a tick with the same timestamp replace the current one (last arrival wins)', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T, 1));
    const same = tick('AAPL', T, 2);
    expect(latest.apply(same)).toBeDefined();
    expect(latest.latest('AAPL')).toEqual(same);
  });

  it('keeps symbols independent: an old tick of one symbol is accepted when that symbol is new', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T + 1_000));
    expect(latest.apply(tick('MSFT', T))).toBeDefined();
    expect(latest.latest('AAPL')?.timestamp).toBe(T + 1_000);
    expect(latest.latest('MSFT')?.timestamp).toBe(T);
    expect(latest.size).toBe(2);
  });

  it('rejecting an old tick of one symbol does not affect another', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T + 10));
    latest.apply(tick('MSFT', T + 10));
    expect(latest.apply(tick('AAPL', T))).toBeUndefined();
    expect(latest.apply(tick('MSFT', T + 11))).toBeDefined();
  });

  it('lists symbols sorted, whatever order they arrived in', () => {
    const latest = new MarketState();
    for (const symbol of ['TSLA', 'AAPL', 'SPY', 'BRK.B', 'MSFT', 'A']) latest.apply(tick(symbol, T));
    expect(latest.symbols()).toEqual(['A', 'AAPL', 'BRK.B', 'MSFT', 'SPY', 'TSLA']);
    expect(latest.size).toBe(6);
  });

  it('does not list a symbol twice after updates', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T));
    latest.apply(tick('AAPL', T + 1));
    latest.apply(tick('AAPL', T - 1));
    expect(latest.symbols()).toEqual(['AAPL']);
    expect(latest.size).toBe(1);
  });

  it('returns a fresh symbols array that callers may mutate', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T));
    const list = latest.symbols();
    list.push('ZZZ');
    expect(latest.symbols()).toEqual(['AAPL']);
  });

  it('looks symbols up exactly (case-sensitive)', () => {
    const latest = new MarketState();
    latest.apply(tick('AAPL', T));
    expect(latest.latest('aapl')).toBeUndefined();
  });

  it('keeps the whole tick, including volume and source', () => {
    const latest = new MarketState();
    const t: Tick = { symbol: 'NVDA', timestamp: T, price: 135.01, volume: 300, source: 'polygon_websocket' };
    latest.apply(t);
    expect(latest.latest('NVDA')).toEqual(t);
  });

  it('tracks the maximum timestamp over a shuffled stream', () => {
    const latest = new MarketState();
    const order = [5, 1, 9, 3, 9, 2, 8, 7, 0, 4, 6];
    const results = order.map((i) => latest.apply(tick('AAPL', T + i, i)) !== undefined);
    // Accepted when not older than the best seen so far (ties accepted).
    expect(results).toEqual([true, false, true, false, true, false, false, false, false, false, false]);
    expect(latest.latest('AAPL')?.timestamp).toBe(T + 9);
  });

  it('moves the trading-day bar with live ticks and reports the bar before and after', () => {
    const market = new MarketState();
    const first = market.apply(tick('AAPL', T, 100))!;
    expect(first.before).toBeUndefined();
    expect(first.after).toMatchObject({ open: 100, high: 100, low: 100, close: 100 });
    const second = market.apply(tick('AAPL', T + 1, 104))!;
    expect(second.before).toBe(first.after);
    expect(second.after).toMatchObject({ open: 100, high: 104, low: 100, close: 104 });
    expect(market.dayBar('AAPL')).toEqual({ open: 100, high: 104, low: 100, close: 104 });
  });

  it('leaves the day bar alone for a late tick', () => {
    const market = new MarketState();
    market.apply(tick('AAPL', T, 100));
    market.apply(tick('AAPL', T + 10, 101));
    market.apply(tick('AAPL', T + 5, 50));
    expect(market.dayBar('AAPL')).toEqual({ open: 100, high: 101, low: 100, close: 101 });
  });

  it('has no day bar for a symbol that has not traded', () => {
    expect(new MarketState().dayBar('AAPL')).toBeNull();
  });
});
