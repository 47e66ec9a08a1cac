import { describe, it, expect } from 'vitest';
import { CANDLE_INTERVAL_MS, INDICATOR_INTERVALS } from '@tickwatch/shared';
import { BarSeries } from './bar-series.js';
import { TradingDayClock } from './trading-day.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** 2026-01-15 00:00 EST: a boundary of every interval. */
const DAY = utc('2026-01-15T05:00:00.000');

const tick = (timestamp: number, price: number, volume = 100) => ({ timestamp, price, volume });

describe('BarSeries', () => {
  it('remembers its interval and has no bar before the first tick', () => {
    const series = new BarSeries('5m');
    expect(series.interval).toBe('5m');
    expect(series.current()).toBeUndefined();
  });

  it.each(INDICATOR_INTERVALS)('opens a new %s bar with the first tick', (interval) => {
    const series = new BarSeries(interval);
    const { bar, isNewBar } = series.update(tick(DAY + 10 * HOUR, 100, 30));
    expect(isNewBar).toBe(true);
    expect(bar).toMatchObject({
      start: DAY + 10 * HOUR - (interval === '1d' ? 10 * HOUR : 0),
      open: 100,
      high: 100,
      low: 100,
      close: 100,
      volume: 30,
    });
    expect(series.current()).toEqual(bar);
  });

  it('folds ticks of the same bar into open, high, low, close and summed volume', () => {
    const series = new BarSeries('5m');
    const t0 = DAY + 10 * HOUR;
    series.update(tick(t0 + 1_000, 100, 10));
    series.update(tick(t0 + 60_000, 105, 20));
    series.update(tick(t0 + 120_000, 95, 30));
    const { bar, isNewBar } = series.update(tick(t0 + 299_999, 101, 40));
    expect(isNewBar).toBe(false);
    expect(bar).toMatchObject({ start: t0, open: 100, high: 105, low: 95, close: 101, volume: 100 });
  });

  it.each(INDICATOR_INTERVALS.filter((i) => i !== '1d'))(
    'aligns %s bars to UTC multiples of the interval',
    (interval) => {
      const ms = CANDLE_INTERVAL_MS[interval];
      const series = new BarSeries(interval);
      const t = utc('2026-01-15T14:37:42.123');
      const { bar } = series.update(tick(t, 10));
      expect(bar.start % ms).toBe(0);
      expect(bar.start).toBeLessThanOrEqual(t);
      expect(t - bar.start).toBeLessThan(ms);
    },
  );

  it.each(INDICATOR_INTERVALS.filter((i) => i !== '1d'))(
    'starts a new %s bar exactly at the boundary and not a millisecond before',
    (interval) => {
      const ms = CANDLE_INTERVAL_MS[interval];
      const series = new BarSeries(interval);
      series.update(tick(DAY, 10));
      expect(series.update(tick(DAY + ms - 1, 11)).isNewBar).toBe(false);
      const { bar, isNewBar } = series.update(tick(DAY + ms, 12, 7));
      expect(isNewBar).toBe(true);
      expect(bar).toMatchObject({ start: DAY + ms, open: 12, high: 12, low: 12, close: 12, volume: 7 });
    },
  );

  it('aligns hourly bars to whole ET hours as well as UTC ones, on both sides of a clock change', () => {
    const series = new BarSeries('1h');
    const springForward = utc('2026-03-08T05:00:00.000');
    expect(series.update(tick(springForward + 90 * MINUTE, 10)).bar.start).toBe(springForward + HOUR); // 01:00 EST
    expect(series.update(tick(springForward + 150 * MINUTE, 10)).bar.start).toBe(springForward + 2 * HOUR); // 03:00 EDT
  });

  it('starts a daily bar at the ET midnight, not the UTC one', () => {
    const series = new BarSeries('1d');
    expect(series.update(tick(utc('2026-01-16T03:00:00.000'), 10)).bar.start).toBe(DAY); // 22:00 ET on the 15th
  });

  it('starts a new daily bar at exactly 00:00:00.000 ET', () => {
    const series = new BarSeries('1d');
    series.update(tick(DAY + HOUR, 10, 1));
    expect(series.update(tick(DAY + 24 * HOUR - 1, 11, 2))).toEqual({
      bar: { start: DAY, open: 10, high: 11, low: 10, close: 11, volume: 3, trades: 2 },
      isNewBar: false,
    });
    expect(series.update(tick(DAY + 24 * HOUR, 12, 4))).toEqual({
      bar: { start: DAY + 24 * HOUR, open: 12, high: 12, low: 12, close: 12, volume: 4, trades: 1 },
      isNewBar: true,
    });
  });

  it('spans the 23-hour and 25-hour days with one daily bar each', () => {
    const series = new BarSeries('1d');
    const springForward = utc('2026-03-08T05:00:00.000');
    series.update(tick(springForward, 10));
    expect(series.update(tick(springForward + 23 * HOUR - 1, 10)).isNewBar).toBe(false);
    expect(series.update(tick(springForward + 23 * HOUR, 10)).bar.start).toBe(utc('2026-03-09T04:00:00.000'));

    const fallBack = utc('2026-11-01T04:00:00.000');
    expect(series.update(tick(fallBack, 10)).isNewBar).toBe(true);
    expect(series.update(tick(fallBack + 25 * HOUR - 1, 10)).isNewBar).toBe(false);
    expect(series.update(tick(fallBack + 25 * HOUR, 10)).bar.start).toBe(utc('2026-11-02T05:00:00.000'));
  });

  it('starts the next bar where the next tick falls, leaving no empty bars for quiet intervals', () => {
    const series = new BarSeries('1m');
    series.update(tick(DAY, 10));
    const { bar, isNewBar } = series.update(tick(DAY + 10 * MINUTE + 5, 11));
    expect(isNewBar).toBe(true);
    expect(bar.start).toBe(DAY + 10 * MINUTE);
  });

  it('ignores a tick from before the current bar and returns that bar unchanged', () => {
    const series = new BarSeries('1m');
    series.update(tick(DAY, 10));
    const later = series.update(tick(DAY + MINUTE, 11)).bar;
    expect(series.update(tick(DAY + 30_000, 999, 1_000))).toEqual({ bar: later, isNewBar: false });
    expect(series.current()).toMatchObject({
      start: DAY + MINUTE,
      open: 11,
      high: 11,
      low: 11,
      close: 11,
      volume: 100,
    });
  });

  it('does not change a bar it returned earlier when later ticks arrive', () => {
    const series = new BarSeries('5m');
    const { bar } = series.update(tick(DAY, 10, 1));
    series.update(tick(DAY + 1, 12, 1));
    expect(bar).toMatchObject({ start: DAY, open: 10, high: 10, low: 10, close: 10, volume: 1 });
  });

  it('counts zero-volume ticks in prices but not in volume', () => {
    const series = new BarSeries('1m');
    series.update(tick(DAY, 10, 0));
    expect(series.update(tick(DAY + 1, 9, 0)).bar).toMatchObject({
      start: DAY,
      open: 10,
      high: 10,
      low: 9,
      close: 9,
      volume: 0,
    });
  });

  it('works with a clock shared with other market state', () => {
    const clock = new TradingDayClock();
    const series = new BarSeries('1d', clock);
    series.update(tick(DAY + HOUR, 10));
    expect(clock.nextDayStart(DAY + HOUR)).toBe(DAY + 24 * HOUR);
    expect(series.update(tick(DAY + 24 * HOUR, 10)).isNewBar).toBe(true);
  });
});
