import { describe, expect, it } from 'vitest';
import { barStart, foldTrade, openBar } from './bars.js';

const trade = (timestamp: number, price: number, volume = 10) => ({ timestamp, price, volume });

describe('barStart', () => {
  it('aligns to UTC multiples of the interval', () => {
    expect(barStart(125_000, 60_000)).toBe(120_000);
    expect(barStart(120_000, 60_000)).toBe(120_000);
    expect(barStart(119_999, 60_000)).toBe(60_000);
  });

  it('aligns instants before 1970 downwards too', () => {
    expect(barStart(-1, 60_000)).toBe(-60_000);
  });
});

describe('openBar and foldTrade', () => {
  it('opens a bar at the first trade and folds later ones into high, low, close, volume and trades', () => {
    let bar = openBar(0, trade(5, 100, 3));
    expect(bar).toEqual({ start: 0, open: 100, high: 100, low: 100, close: 100, volume: 3, trades: 1 });
    bar = foldTrade(bar, trade(6, 104, 2));
    bar = foldTrade(bar, trade(7, 97, 1));
    bar = foldTrade(bar, trade(8, 101, 4));
    expect(bar).toEqual({ start: 0, open: 100, high: 104, low: 97, close: 101, volume: 10, trades: 4 });
  });

  it('returns a new bar and leaves the old one as it was', () => {
    const first = openBar(0, trade(1, 10));
    const next = foldTrade(first, trade(2, 11));
    expect(next).not.toBe(first);
    expect(first.close).toBe(10);
  });

  it('folds a soft trade into the prices only', () => {
    const bar = foldTrade(openBar(0, trade(1, 10, 5)), trade(2, 12, 7), true);
    expect(bar).toMatchObject({ high: 12, close: 12, volume: 5, trades: 1 });
  });
});
