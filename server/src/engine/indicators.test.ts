import { describe, it, expect } from 'vitest';
import { CANDLE_INTERVAL_MS, type IndicatorCondition, type IndicatorInterval } from '@tickwatch/shared';
import { createIndicatorTracker, type IndicatorReading, type IndicatorTracker } from './indicators.js';
import { TradingDayClock } from '../market/trading-day.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY_MS = 24 * HOUR;
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** 2026-01-15 00:00 EST: a boundary of every interval, in a month without clock changes. */
const MIDNIGHT = utc('2026-01-15T05:00:00.000');
/** 10:00 ET. */
const BASE = MIDNIGHT + 10 * HOUR;

const STEP: Record<IndicatorInterval, number> = { ...CANDLE_INTERVAL_MS, '1d': DAY_MS };

function condition(fields: Partial<IndicatorCondition> & Pick<IndicatorCondition, 'indicator'>): IndicatorCondition {
  return { interval: '5m', operator: '>', ...fields };
}

/** One tick per bar, at the start of consecutive bars. */
function feedCloses(tracker: IndicatorTracker, closes: readonly number[], interval: IndicatorInterval = '5m') {
  return closes.map((price, i) => tracker.update({ timestamp: BASE + i * STEP[interval], price, volume: 100 }));
}

function readyValues(readings: readonly IndicatorReading[]) {
  return readings.map((r) => (r.ready ? r.value : null));
}

function expectReady(reading: IndicatorReading | undefined): { value: number; level: number } {
  if (!reading?.ready) throw new Error(`expected a ready reading, got ${JSON.stringify(reading)}`);
  return reading;
}

/** |actual − published| within the rounding of a value published to `decimals` places. */
function expectRoundsTo(actual: number, published: number, decimals = 2) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}

/** A deterministic random walk (LCG), so the property tests are reproducible. */
function randomWalk(length: number, seed: number): number[] {
  let state = seed;
  let price = 100;
  return Array.from({ length }, () => {
    state = (state * 1_664_525 + 1_013_904_223) % 2 ** 32;
    price = Math.max(1, price + (state / 2 ** 32 - 0.5) * 2);
    return price;
  });
}

/** The textbook EMA: seeded with the SMA of the first `period` values, then value·k + previous·(1 − k). */
function referenceEma(values: readonly number[], period: number): (number | null)[] {
  const k = 2 / (period + 1);
  let ema = 0;
  return values.map((value, i) => {
    if (i < period - 1) return null;
    if (i === period - 1) ema = values.slice(0, period).reduce((sum, v) => sum + v, 0) / period;
    else ema = value * k + ema * (1 - k);
    return ema;
  });
}

// StockCharts ChartSchool, "Moving Averages - Simple and Exponential": the closes of its spreadsheet (the article's
// table rounds them to cents) and its published 10-day SMA and EMA columns.
const STOCKCHARTS_MA_CLOSES = [
  22.2734, 22.194, 22.0847, 22.1741, 22.184, 22.1344, 22.2337, 22.4323, 22.2436, 22.2933, 22.1542, 22.3926, 22.3816,
  22.6109, 23.3558, 24.0519, 23.753, 23.8324, 23.9516, 23.6338, 23.8225, 23.8722, 23.6537, 23.187, 23.0976, 23.326,
  22.6805, 23.0976, 22.4025, 22.1725,
];
const STOCKCHARTS_SMA_10 = [
  22.22, 22.21, 22.23, 22.26, 22.31, 22.42, 22.61, 22.77, 22.91, 23.08, 23.21, 23.38, 23.53, 23.65, 23.71, 23.69, 23.61,
  23.51, 23.43, 23.28, 23.13,
];
const STOCKCHARTS_EMA_10 = [
  22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47, 23.4, 23.39,
  23.26, 23.23, 23.08, 22.92,
];

// Wilder's RSI(14) worked example as StockCharts publishes it (cs-rsi.xls), with Wilder's smoothing.
const WILDER_CLOSES = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614,
  46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548,
  44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const WILDER_RSI_14 = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.3,
  33.08, 37.77,
];

describe('createIndicatorTracker: SMA', () => {
  it('matches the StockCharts 10-day SMA example', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 10, threshold: 0 }));
    const values = readyValues(feedCloses(tracker, STOCKCHARTS_MA_CLOSES));
    expect(values.slice(0, 9)).toEqual(Array(9).fill(null));
    values.slice(9).forEach((value, i) => expectRoundsTo(value!, STOCKCHARTS_SMA_10[i]!));
  });

  it('compares the SMA with the threshold when there is one', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 3, threshold: 2.5 }));
    feedCloses(tracker, [1, 2]);
    expect(tracker.update({ timestamp: BASE + 2 * STEP['5m'], price: 6, volume: 1 })).toEqual({
      ready: true,
      value: 3,
      level: 2.5,
    });
  });

  it('compares the last price with the SMA when there is no threshold', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 3 }));
    const [, , third] = feedCloses(tracker, [1, 2, 6]);
    expect(third).toEqual({ ready: true, value: 6, level: 3 });
  });

  it('waits for 20 bars by default', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', interval: '15m' }));
    const readings = feedCloses(
      tracker,
      Array.from({ length: 20 }, (_, i) => i + 1),
      '15m',
    );
    expect(readings[18]).toEqual({ ready: false, reason: 'warming up: 19 of 20 15m bars' });
    expect(readings[19]).toEqual({ ready: true, value: 20, level: 10.5 });
  });
});

describe('createIndicatorTracker: EMA', () => {
  it('matches the StockCharts 10-day EMA example, seeded with the 10-day SMA', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'ema', period: 10, threshold: 0 }));
    const values = readyValues(feedCloses(tracker, STOCKCHARTS_MA_CLOSES));
    expect(values.slice(0, 9)).toEqual(Array(9).fill(null));
    values.slice(9).forEach((value, i) => expectRoundsTo(value!, STOCKCHARTS_EMA_10[i]!));
  });

  it('equals the textbook recursion at every bar', () => {
    const closes = randomWalk(80, 7);
    const tracker = createIndicatorTracker(condition({ indicator: 'ema', period: 12, threshold: 0 }));
    const values = readyValues(feedCloses(tracker, closes));
    referenceEma(closes, 12).forEach((expected, i) => {
      if (expected === null) expect(values[i]).toBeNull();
      else expect(values[i]).toBeCloseTo(expected, 9);
    });
  });

  it('starts at the SMA of the first period, not at the first price', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'ema', period: 4, threshold: 0 }));
    const readings = feedCloses(tracker, [10, 20, 30, 40]);
    expect(expectReady(readings[3]).value).toBeCloseTo(25, 12);
  });

  it('compares the last price with the EMA when there is no threshold', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'ema', period: 2 }));
    // Seed 15; then 30·(2/3) + 15·(1/3) = 25.
    const readings = feedCloses(tracker, [10, 20, 30]);
    const { value, level } = expectReady(readings[2]);
    expect(value).toBe(30);
    expect(level).toBeCloseTo(25, 12);
  });

  it('waits for 20 bars by default', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'ema' }));
    const readings = feedCloses(tracker, Array(20).fill(5));
    expect(readings[18]).toEqual({ ready: false, reason: 'warming up: 19 of 20 5m bars' });
    expect(expectReady(readings[19]).level).toBeCloseTo(5, 12);
  });
});

describe('createIndicatorTracker: RSI', () => {
  it("matches Wilder's RSI(14) example as published by StockCharts", () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'rsi', threshold: 70 }));
    const readings = feedCloses(tracker, WILDER_CLOSES);
    expect(readyValues(readings.slice(0, 14))).toEqual(Array(14).fill(null));
    readings.slice(14).forEach((reading, i) => {
      const { value, level } = expectReady(reading);
      expectRoundsTo(value, WILDER_RSI_14[i]!);
      expect(level).toBe(70);
    });
  });

  it('needs period + 1 closes, because it works on changes between closes', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'rsi', threshold: 30, interval: '1h' }));
    const readings = feedCloses(tracker, WILDER_CLOSES.slice(0, 15), '1h');
    expect(readings[0]).toEqual({ ready: false, reason: 'warming up: 1 of 15 1h bars' });
    expect(readings[13]).toEqual({ ready: false, reason: 'warming up: 14 of 15 1h bars' });
    expect(readings[14]?.ready).toBe(true);
  });

  it('is 100 when every change is a gain and 0 when every change is a loss', () => {
    const up = createIndicatorTracker(condition({ indicator: 'rsi', period: 5, threshold: 50 }));
    expect(feedCloses(up, [1, 2, 3, 4, 5, 6]).at(-1)).toEqual({ ready: true, value: 100, level: 50 });
    const down = createIndicatorTracker(condition({ indicator: 'rsi', period: 5, threshold: 50 }));
    expect(feedCloses(down, [6, 5, 4, 3, 2, 1]).at(-1)).toEqual({ ready: true, value: 0, level: 50 });
  });

  it('matches a hand-computed RSI(2) with Wilder smoothing', () => {
    // Changes +2, −1 → seed gains 1, losses 0.5. Then +3: gains (1 + 3)/2 = 2, losses 0.5/2 = 0.25 → RS 8.
    const tracker = createIndicatorTracker(condition({ indicator: 'rsi', period: 2, threshold: 50 }));
    const readings = feedCloses(tracker, [10, 12, 11, 14]);
    expect(expectReady(readings[2]).value).toBeCloseTo(100 - 100 / 3, 12);
    expect(expectReady(readings[3]).value).toBeCloseTo(100 - 100 / 9, 12);
  });

  it('refuses a condition without a threshold, which the schema never lets through', () => {
    expect(() => createIndicatorTracker(condition({ indicator: 'rsi' }))).toThrow(/threshold/);
  });
});

describe('createIndicatorTracker: MACD', () => {
  it('matches a hand-computed MACD(2, 3, 2) histogram', () => {
    // fast EMA(2): 21/2, 73/6, 217/18, 721/54, 2341/162; slow EMA(3): 34/3, 35/3, 77/6, 167/12;
    // MACD line: 5/6, 7/18, 14/27, 173/324; signal EMA(2): 11/18, 89/162, 131/243.
    const tracker = createIndicatorTracker(
      condition({ indicator: 'macd', fast_period: 2, period: 3, signal_period: 2 }),
    );
    const readings = feedCloses(tracker, [10, 11, 13, 12, 14, 15]);
    expect(readings[2]).toEqual({ ready: false, reason: 'warming up: 3 of 4 5m bars' });
    const histogram = readings.slice(3).map((r) => expectReady(r));
    expect(histogram.map((h) => h.level)).toEqual([0, 0, 0]);
    expect(histogram[0]!.value).toBeCloseTo(-2 / 9, 12);
    expect(histogram[1]!.value).toBeCloseTo(-5 / 162, 12);
    expect(histogram[2]!.value).toBeCloseTo(-5 / 972, 12);
  });

  it('compares MACD(12, 26, 9) line minus signal line, from textbook EMAs, with 0 by default', () => {
    const closes = randomWalk(120, 42);
    const fast = referenceEma(closes, 12);
    const slow = referenceEma(closes, 26);
    const macdLine = closes.map((_, i) => (slow[i] === null ? null : fast[i]! - slow[i]!));
    const signal = referenceEma(
      macdLine.filter((m): m is number => m !== null),
      9,
    );
    const tracker = createIndicatorTracker(condition({ indicator: 'macd' }));
    const readings = feedCloses(tracker, closes);
    expect(readings[32]).toEqual({ ready: false, reason: 'warming up: 33 of 34 5m bars' });
    for (let i = 33; i < closes.length; i += 1) {
      const { value, level } = expectReady(readings[i]);
      expect(value).toBeCloseTo(macdLine[i]! - signal[i - 25]!, 9);
      expect(level).toBe(0);
    }
  });

  it('is positive while the MACD line is above its signal line in a steady rise', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'macd', threshold: 0 }));
    const readings = feedCloses(tracker, [...Array(40).fill(100), ...Array.from({ length: 10 }, (_, i) => 101 + i)]);
    expect(expectReady(readings[39]).value).toBeCloseTo(0, 12);
    expect(expectReady(readings[49]).value).toBeGreaterThan(0);
  });

  it('uses the threshold as the level when there is one', () => {
    const tracker = createIndicatorTracker(
      condition({ indicator: 'macd', fast_period: 2, period: 3, signal_period: 2, threshold: -0.5 }),
    );
    expect(feedCloses(tracker, [10, 11, 13, 12]).at(-1)).toEqual({
      ready: true,
      value: expect.closeTo(-2 / 9, 12),
      level: -0.5,
    });
  });
});

describe('createIndicatorTracker: Bollinger bands', () => {
  // Population standard deviation of 2, 4, 4, 4, 5, 5, 7, 9 is exactly 2 around a mean of 5.
  const closes = [2, 4, 4, 4, 5, 5, 7, 9];

  it.each([
    ['upper', 2, 9],
    ['middle', 2, 5],
    ['lower', 2, 1],
    ['upper', 1, 7],
    ['lower', 1.5, 2],
  ] as const)('compares the last price with the %s band (std_dev %s) at %s', (band, stdDev, level) => {
    const tracker = createIndicatorTracker(condition({ indicator: 'bollinger', period: 8, band, std_dev: stdDev }));
    const readings = feedCloses(tracker, closes);
    expect(readings[6]).toEqual({ ready: false, reason: 'warming up: 7 of 8 5m bars' });
    const reading = expectReady(readings[7]);
    expect(reading.value).toBe(9);
    expect(reading.level).toBeCloseTo(level, 12);
  });

  it('moves the window along with each bar, using the population standard deviation', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'bollinger', period: 8, band: 'upper' }));
    const window = [4, 4, 4, 5, 5, 7, 9, 11];
    const mean = window.reduce((s, v) => s + v, 0) / window.length;
    const sd = Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / window.length);
    expect(expectReady(feedCloses(tracker, [...closes, 11]).at(-1)).level).toBeCloseTo(mean + 2 * sd, 12);
  });

  it('uses 20 bars and 2 standard deviations by default', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'bollinger', band: 'lower' }));
    // 1..20: mean 10.5, population variance (20² − 1)/12 = 33.25.
    const readings = feedCloses(
      tracker,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(readings[18]).toEqual({ ready: false, reason: 'warming up: 19 of 20 5m bars' });
    expect(expectReady(readings[19]).level).toBeCloseTo(10.5 - 2 * Math.sqrt(33.25), 12);
  });

  it('refuses a condition without a band, which the schema never lets through', () => {
    expect(() => createIndicatorTracker(condition({ indicator: 'bollinger' }))).toThrow(/band/);
  });
});

describe('createIndicatorTracker: VWAP', () => {
  const vwap = (fields: Partial<IndicatorCondition> = {}) =>
    createIndicatorTracker(condition({ indicator: 'vwap', ...fields }));

  it('weights each bar’s typical price (high + low + close) / 3 by its volume, tick by tick', () => {
    const tracker = vwap({ threshold: 0 });
    const t = BASE;
    const values = [
      tracker.update({ timestamp: t, price: 10, volume: 100 }), // bar 1: typical 10
      tracker.update({ timestamp: t + 1_000, price: 12, volume: 100 }), // bar 1: 12, 10, 12 → 34/3
      tracker.update({ timestamp: t + 2_000, price: 11, volume: 100 }), // bar 1: 12, 10, 11 → 11 × 300
      tracker.update({ timestamp: t + STEP['5m'], price: 13, volume: 200 }), // bar 2: 13 × 200
      tracker.update({ timestamp: t + STEP['5m'] + 1_000, price: 14, volume: 100 }), // bar 2: 14, 13, 14 → 41/3 × 300
    ].map((r) => expectReady(r).value);
    expect(values[0]).toBeCloseTo(10, 12);
    expect(values[1]).toBeCloseTo(34 / 3, 12);
    expect(values[2]).toBeCloseTo(11, 12);
    expect(values[3]).toBeCloseTo((11 * 300 + 13 * 200) / 500, 12);
    expect(values[4]).toBeCloseTo((11 * 300 + (41 / 3) * 300) / 600, 12);
  });

  it('compares the last price with the VWAP when there is no threshold', () => {
    const tracker = vwap();
    tracker.update({ timestamp: BASE, price: 10, volume: 300 });
    const reading = expectReady(tracker.update({ timestamp: BASE + STEP['5m'], price: 20, volume: 100 }));
    expect(reading.value).toBe(20);
    expect(reading.level).toBeCloseTo(12.5, 12);
  });

  it('compares the VWAP with the threshold when there is one', () => {
    const tracker = vwap({ threshold: 11 });
    expect(tracker.update({ timestamp: BASE, price: 10, volume: 300 })).toEqual({ ready: true, value: 10, level: 11 });
  });

  it('is not ready until some volume has traded in the trading day', () => {
    const tracker = vwap();
    const reason = 'VWAP needs volume: none traded yet this trading day';
    expect(tracker.current()).toEqual({ ready: false, reason });
    expect(tracker.update({ timestamp: BASE, price: 10, volume: 0 })).toEqual({ ready: false, reason });
    expect(tracker.update({ timestamp: BASE + STEP['5m'], price: 11, volume: 0 })).toEqual({ ready: false, reason });
    expect(tracker.update({ timestamp: BASE + STEP['5m'] + 1, price: 12, volume: 10 })).toEqual({
      ready: true,
      value: 12,
      level: expect.closeTo(35 / 3, 12),
    });
  });

  it('keeps earlier bars when a bar opens with a zero-volume tick and trades later', () => {
    const tracker = vwap();
    tracker.update({ timestamp: BASE, price: 10, volume: 100 });
    expect(expectReady(tracker.update({ timestamp: BASE + STEP['5m'], price: 20, volume: 0 })).level).toBeCloseTo(
      10,
      12,
    );
    const reading = tracker.update({ timestamp: BASE + STEP['5m'] + 1, price: 20, volume: 100 });
    expect(expectReady(reading).level).toBeCloseTo(15, 12);
  });

  it('starts over at 00:00:00.000 ET, not a millisecond earlier', () => {
    const tracker = vwap({ interval: '1m' });
    const nextMidnight = MIDNIGHT + DAY_MS;
    tracker.update({ timestamp: nextMidnight - 2 * MINUTE, price: 100, volume: 100 });
    expect(expectReady(tracker.update({ timestamp: nextMidnight - 1, price: 50, volume: 100 })).level).toBeCloseTo(
      75,
      12,
    );
    expect(tracker.update({ timestamp: nextMidnight, price: 50, volume: 0 })).toEqual({
      ready: false,
      reason: 'VWAP needs volume: none traded yet this trading day',
    });
    expect(expectReady(tracker.update({ timestamp: nextMidnight + MINUTE, price: 60, volume: 10 })).level).toBeCloseTo(
      60,
      12,
    );
  });

  it('starts over at the ET midnight on a 25-hour day, with hourly bars', () => {
    const tracker = vwap({ interval: '1h' });
    const fallBack = utc('2026-11-01T04:00:00.000');
    tracker.update({ timestamp: fallBack + 24 * HOUR, price: 100, volume: 100 }); // 23:00 EST, still Nov 1
    expect(
      expectReady(tracker.update({ timestamp: fallBack + 24.5 * HOUR, price: 80, volume: 100 })).level,
    ).toBeCloseTo((100 + 80 + 80) / 3, 12);
    expect(expectReady(tracker.update({ timestamp: fallBack + 25 * HOUR, price: 70, volume: 100 })).level).toBeCloseTo(
      70,
      12,
    );
  });

  it('treats each daily bar as its own session', () => {
    const tracker = vwap({ interval: '1d' });
    tracker.update({ timestamp: BASE, price: 10, volume: 100 });
    expect(expectReady(tracker.update({ timestamp: BASE + 1, price: 13, volume: 100 })).level).toBeCloseTo(12, 12);
    expect(expectReady(tracker.update({ timestamp: BASE + DAY_MS, price: 20, volume: 100 })).level).toBeCloseTo(20, 12);
  });
});

describe('createIndicatorTracker: bars and ticks', () => {
  it('replaces the forming bar’s close with each tick, changing the value but not the bar count', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 3, threshold: 0 }));
    feedCloses(tracker, [1, 2, 3]);
    const forming = BASE + 3 * STEP['5m'];
    expect(tracker.update({ timestamp: forming, price: 6, volume: 1 })).toEqual({
      ready: true,
      value: 11 / 3,
      level: 0,
    });
    expect(tracker.update({ timestamp: forming + 1_000, price: 9, volume: 1 })).toEqual({
      ready: true,
      value: 14 / 3,
      level: 0,
    });
    expect(tracker.update({ timestamp: forming + 2_000, price: 3, volume: 1 })).toEqual({
      ready: true,
      value: 8 / 3,
      level: 0,
    });
    expect(tracker.update({ timestamp: forming + STEP['5m'], price: 3, volume: 1 })).toEqual({
      ready: true,
      value: 3,
      level: 0,
    });
  });

  it('counts bars, not ticks, while warming up', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'rsi', threshold: 50, interval: '1m' }));
    expect(tracker.current()).toEqual({ ready: false, reason: 'warming up: 0 of 15 1m bars' });
    for (let s = 0; s < 60; s += 10) tracker.update({ timestamp: BASE + s * 1_000, price: 10 + s, volume: 1 });
    expect(tracker.current()).toEqual({ ready: false, reason: 'warming up: 1 of 15 1m bars' });
    tracker.update({ timestamp: BASE + MINUTE, price: 10, volume: 1 });
    tracker.update({ timestamp: BASE + 5 * MINUTE, price: 10, volume: 1 });
    expect(tracker.current()).toEqual({ ready: false, reason: 'warming up: 3 of 15 1m bars' });
  });

  it('returns the latest reading from current()', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 2 }));
    const reading = feedCloses(tracker, [4, 6]).at(-1);
    expect(tracker.current()).toEqual(reading);
    expect(tracker.current()).toEqual({ ready: true, value: 6, level: 5 });
  });

  it('ignores a tick from a bar that has already closed', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 2, threshold: 0 }));
    feedCloses(tracker, [4, 6]);
    expect(tracker.update({ timestamp: BASE + 1, price: 1_000, volume: 1 })).toEqual({
      ready: true,
      value: 5,
      level: 0,
    });
  });

  it('builds daily bars on the ET trading day', () => {
    const tracker = createIndicatorTracker(condition({ indicator: 'sma', period: 2, interval: '1d', threshold: 0 }));
    tracker.update({ timestamp: MIDNIGHT + 23 * HOUR, price: 10, volume: 1 });
    expect(tracker.update({ timestamp: MIDNIGHT + 24 * HOUR - 1, price: 12, volume: 1 })).toEqual({
      ready: false,
      reason: 'warming up: 1 of 2 1d bars',
    });
    expect(tracker.update({ timestamp: MIDNIGHT + 24 * HOUR, price: 20, volume: 1 })).toEqual({
      ready: true,
      value: 16,
      level: 0,
    });
  });

  it('accepts a shared trading-day clock', () => {
    const clock = new TradingDayClock();
    const tracker = createIndicatorTracker(condition({ indicator: 'vwap', interval: '1d' }), clock);
    tracker.update({ timestamp: BASE, price: 10, volume: 1 });
    expect(clock.dayStart(BASE)).toBe(MIDNIGHT);
  });

  describe.each([
    ['sma', { indicator: 'sma', period: 5 }],
    ['ema', { indicator: 'ema', period: 5 }],
    ['rsi', { indicator: 'rsi', period: 5, threshold: 50 }],
    ['macd', { indicator: 'macd', fast_period: 3, period: 6, signal_period: 4 }],
    ['bollinger upper', { indicator: 'bollinger', period: 5, band: 'upper' }],
    ['bollinger lower', { indicator: 'bollinger', period: 5, band: 'lower', std_dev: 1 }],
  ] as const)('%s', (_name, fields) => {
    it('reads the same at each bar’s last tick as when fed only bar closes', () => {
      const closes = randomWalk(40, 1234);
      const byClose = createIndicatorTracker(condition(fields));
      const byTick = createIndicatorTracker(condition(fields));
      const expected = feedCloses(byClose, closes);
      const intrabar = randomWalk(40 * 4, 99);
      closes.forEach((close, i) => {
        for (let k = 0; k < 4; k += 1) {
          byTick.update({ timestamp: BASE + i * STEP['5m'] + k * 1_000, price: intrabar[i * 4 + k]!, volume: 1 });
        }
        const reading = byTick.update({ timestamp: BASE + i * STEP['5m'] + 4_000, price: close, volume: 1 });
        const want = expected[i]!;
        if (!want.ready) expect(reading).toEqual(want);
        else {
          const got = expectReady(reading);
          expect(got.value).toBeCloseTo(want.value, 9);
          expect(got.level).toBeCloseTo(want.level, 9);
        }
      });
    });
  });
});
