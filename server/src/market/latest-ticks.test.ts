import { describe, it, expect } from 'vitest';
import type { Tick } from '@tickwatch/shared';
import { LatestTicks } from './latest-ticks.js';

const T = Date.UTC(2024, 10, 5, 14, 30, 0, 0);

function tick(symbol: string, timestamp: number, price = 100, volume = 10): Tick {
  return { symbol, timestamp, price, volume, source: 'simulator' };
}

describe('LatestTicks', () => {
  it('starts empty', () => {
    const latest = new LatestTicks();
    expect(latest.size).toBe(0);
    expect(latest.symbols()).toEqual([]);
    expect(latest.get('AAPL')).toBeUndefined();
  });

  it('records the first tick of a symbol and reports it as the latest', () => {
    const latest = new LatestTicks();
    const t = tick('AAPL', T, 228.5);
    expect(latest.offer(t)).toBe(true);
    expect(latest.get('AAPL')).toEqual(t);
    expect(latest.size).toBe(1);
  });

  it('replaces the tick with a newer one', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T, 1));
    const newer = tick('AAPL', T + 1, 2);
    expect(latest.offer(newer)).toBe(true);
    expect(latest.get('AAPL')).toEqual(newer);
    expect(latest.size).toBe(1);
  });

  it('ignores an older tick and returns false', () => {
    const latest = new LatestTicks();
    const current = tick('AAPL', T, 1);
    latest.offer(current);
    expect(latest.offer(tick('AAPL', T - 1, 2))).toBe(false);
    expect(latest.get('AAPL')).toEqual(current);
  });

  it('ignores a much older tick even after many updates', () => {
    const latest = new LatestTicks();
    for (let i = 0; i < 100; i++) latest.offer(tick('AAPL', T + i, 100 + i));
    expect(latest.offer(tick('AAPL', T, 1))).toBe(false);
    expect(latest.get('AAPL')?.price).toBe(199);
  });

  it('lets a tick with the same timestamp replace the current one (last arrival wins)', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T, 1));
    const same = tick('AAPL', T, 2);
    expect(latest.offer(same)).toBe(true);
    expect(latest.get('AAPL')).toEqual(same);
  });

  it('keeps symbols independent: an old tick of one symbol is accepted when that symbol is new', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T + 1_000));
    expect(latest.offer(tick('MSFT', T))).toBe(true);
    expect(latest.get('AAPL')?.timestamp).toBe(T + 1_000);
    expect(latest.get('MSFT')?.timestamp).toBe(T);
    expect(latest.size).toBe(2);
  });

  it('rejecting an old tick of one symbol does not affect another', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T + 10));
    latest.offer(tick('MSFT', T + 10));
    expect(latest.offer(tick('AAPL', T))).toBe(false);
    expect(latest.offer(tick('MSFT', T + 11))).toBe(true);
  });

  it('lists symbols sorted, whatever order they arrived in', () => {
    const latest = new LatestTicks();
    for (const symbol of ['TSLA', 'AAPL', 'SPY', 'BRK.B', 'MSFT', 'A']) latest.offer(tick(symbol, T));
    expect(latest.symbols()).toEqual(['A', 'AAPL', 'BRK.B', 'MSFT', 'SPY', 'TSLA']);
    expect(latest.size).toBe(6);
  });

  it('does not list a symbol twice after updates', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T));
    latest.offer(tick('AAPL', T + 1));
    latest.offer(tick('AAPL', T - 1));
    expect(latest.symbols()).toEqual(['AAPL']);
    expect(latest.size).toBe(1);
  });

  it('returns a fresh symbols array that callers may mutate', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T));
    const list = latest.symbols();
    list.push('ZZZ');
    expect(latest.symbols()).toEqual(['AAPL']);
  });

  it('looks symbols up exactly (case-sensitive)', () => {
    const latest = new LatestTicks();
    latest.offer(tick('AAPL', T));
    expect(latest.get('aapl')).toBeUndefined();
  });

  it('keeps the whole tick, including volume and source', () => {
    const latest = new LatestTicks();
    const t: Tick = { symbol: 'NVDA', timestamp: T, price: 135.01, volume: 300, source: 'polygon_websocket' };
    latest.offer(t);
    expect(latest.get('NVDA')).toEqual(t);
  });

  it('tracks the maximum timestamp over a shuffled stream', () => {
    const latest = new LatestTicks();
    const order = [5, 1, 9, 3, 9, 2, 8, 7, 0, 4, 6];
    const results = order.map((i) => latest.offer(tick('AAPL', T + i, i)));
    // Accepted when not older than the best seen so far (ties accepted).
    expect(results).toEqual([true, false, true, false, true, false, false, false, false, false, false]);
    expect(latest.get('AAPL')?.timestamp).toBe(T + 9);
  });
});
