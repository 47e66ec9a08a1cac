import { describe, expect, it } from 'vitest';
import { warmingOrder } from './minute-bars-warmer.js';

describe('warmingOrder', () => {
  it('reads the most recently traded symbols first', () => {
    expect(
      warmingOrder([
        { symbol: 'OLD', lastTradeAt: 1_000 },
        { symbol: 'NEW', lastTradeAt: 3_000 },
        { symbol: 'MID', lastTradeAt: 2_000 },
      ]),
    ).toEqual(['NEW', 'MID', 'OLD']);
  });

  it('keeps the given order among symbols last traded at the same time', () => {
    expect(
      warmingOrder([
        { symbol: 'B', lastTradeAt: 5 },
        { symbol: 'A', lastTradeAt: 5 },
        { symbol: 'C', lastTradeAt: 9 },
        { symbol: 'D', lastTradeAt: 5 },
      ]),
    ).toEqual(['C', 'B', 'A', 'D']);
  });

  it('has nothing to read when no symbol was stored', () => {
    expect(warmingOrder([])).toEqual([]);
  });
});
