import { describe, expect, it } from 'vitest';
import type { Candle } from '@tickwatch/shared';
import { createSeries, mergeTick, type SeriesOptions } from './candles';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30); // a bar boundary
const options: SeriesOptions = { intervalMs: MIN, windowMs: 60 * MIN, maxPoints: 500 };

function candle(start: number, close: number, extra: Partial<Candle> = {}): Candle {
  return { start, open: close, high: close, low: close, close, volume: 10, trades: 1, ...extra };
}
const tick = (timestamp: number, price: number, volume = 5) => ({ timestamp, price, volume });

describe('createSeries', () => {
  it('keeps at most maxPoints of the newest bars', () => {
    const history = Array.from({ length: 10 }, (_, i) => candle(T0 + i * MIN, 100 + i));
    const series = createSeries(history, T0, { ...options, maxPoints: 4 });
    expect(series.candles.map((c) => c.close)).toEqual([106, 107, 108, 109]);
    expect(series.lastTick).toBeNull();
  });
});

describe('mergeTick', () => {
  const base = createSeries([candle(T0, 100, { open: 99, high: 101, low: 98 })], T0 - 60 * MIN, options);

  it('updates the last bar when the tick falls in it', () => {
    const next = mergeTick(base, tick(T0 + 30_000, 102, 7), options);
    expect(next.candles).toEqual([{ start: T0, open: 99, high: 102, low: 98, close: 102, volume: 17, trades: 2 }]);
    expect(base.candles[0]!.close).toBe(100); // the input is not mutated
  });

  it('widens the low and moves the close on a fall', () => {
    const next = mergeTick(base, tick(T0 + 1, 97), options);
    expect(next.candles[0]).toMatchObject({ high: 101, low: 97, close: 97 });
  });

  it('starts a new bar when the tick is in a later interval', () => {
    const next = mergeTick(base, tick(T0 + 3 * MIN + 5, 103, 4), options);
    expect(next.candles).toHaveLength(2);
    expect(next.candles[1]).toEqual({
      start: T0 + 3 * MIN,
      open: 103,
      high: 103,
      low: 103,
      close: 103,
      volume: 4,
      trades: 1,
    });
  });

  it('starts the first bar of an empty series', () => {
    const empty = createSeries([], T0 - 60 * MIN, options);
    expect(mergeTick(empty, tick(T0 + 10, 50), options).candles).toEqual([candle(T0, 50, { volume: 5 })]);
  });

  it('does not count the same tick twice', () => {
    const once = mergeTick(base, tick(T0 + 10, 102), options);
    expect(mergeTick(once, tick(T0 + 10, 102), options)).toBe(once);
  });

  it('ignores ticks older than the last one merged', () => {
    const once = mergeTick(base, tick(T0 + 10_000, 102), options);
    expect(mergeTick(once, tick(T0 + 5_000, 90), options)).toBe(once);
  });

  it('ignores ticks in a bar before the last one and ticks before the range', () => {
    expect(mergeTick(base, tick(T0 - MIN, 90), options)).toBe(base);
    const empty = createSeries([], T0, options);
    expect(mergeTick(empty, tick(T0 - 1, 90), options)).toBe(empty);
  });

  it('merges a possibly-fetched tick softly: price moves, volume and trades do not', () => {
    const next = mergeTick(base, tick(T0 + 10, 102, 50), options, true);
    expect(next.candles[0]).toMatchObject({ high: 102, close: 102, volume: 10, trades: 1 });
    // ...but a tick in a later bar cannot be in the history, so it counts in full.
    const later = mergeTick(base, tick(T0 + MIN, 102, 50), options, true);
    expect(later.candles[1]).toMatchObject({ volume: 50, trades: 1 });
  });

  it('drops bars that fall out of the window as new bars start', () => {
    const history = [candle(T0, 1), candle(T0 + 30 * MIN, 2), candle(T0 + 59 * MIN, 3)];
    const series = createSeries(history, T0, options);
    const next = mergeTick(series, tick(T0 + 61 * MIN, 4), options);
    expect(next.candles.map((c) => c.close)).toEqual([2, 3, 4]);
  });

  it('keeps at most maxPoints bars', () => {
    const small = { ...options, maxPoints: 3 };
    let series = createSeries([], T0, small);
    for (let i = 0; i < 6; i++) series = mergeTick(series, tick(T0 + i * MIN, i), small);
    expect(series.candles.map((c) => c.close)).toEqual([3, 4, 5]);
  });
});
