import { describe, expect, it } from 'vitest';
import type { Candle } from '@tickwatch/shared';
import { barAt, linearScale } from './chart-scale';

describe('linearScale', () => {
  it('maps a price domain onto pixels top-down and back', () => {
    const y = linearScale([200, 210], [400, 0]);
    expect(y(200)).toBe(400);
    expect(y(207.5)).toBe(100);
    expect(y.invert(100)).toBe(207.5);
    expect(y.invert(y(203.21))).toBeCloseTo(203.21, 10);
  });

  it('keeps a zero-width domain finite', () => {
    const x = linearScale([5, 5], [0, 100]);
    expect(x(5)).toBe(0);
    expect(x.invert(50)).toBe(5);
  });
});

describe('barAt', () => {
  const MIN = 60_000;
  const bar = (start: number): Candle => ({ start, open: 1, high: 1, low: 1, close: 1, volume: 1, trades: 1 });
  const candles = [bar(0), bar(MIN), bar(5 * MIN)];

  it('finds the bar a moment falls in', () => {
    expect(barAt(candles, 30_000, MIN)).toBe(0);
    expect(barAt(candles, MIN, MIN)).toBe(1);
    expect(barAt(candles, 5 * MIN + 59_999, MIN)).toBe(2);
  });

  it('takes the nearest bar in a gap and the edge bars outside them', () => {
    expect(barAt(candles, 2 * MIN + 10, MIN)).toBe(1);
    expect(barAt(candles, 4 * MIN + 10, MIN)).toBe(2);
    expect(barAt(candles, -MIN, MIN)).toBe(0);
    expect(barAt(candles, 60 * MIN, MIN)).toBe(2);
    expect(barAt([], 0, MIN)).toBe(-1);
  });
});
