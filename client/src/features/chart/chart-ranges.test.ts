import { describe, expect, it } from 'vitest';
import { CHART_INTERVALS, CHART_RANGES, intervalRefusal, rangeShowing, xDomain } from './chart-ranges';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 0, 15, 15, 0);

describe('rangeShowing', () => {
  it('picks the shortest range that holds the moment with a bar to spare', () => {
    expect(rangeShowing(NOW, NOW)).toBe('1h');
    expect(rangeShowing(NOW - 59 * MINUTE, NOW)).toBe('1h');
    expect(rangeShowing(NOW - 59 * MINUTE - 1, NOW)).toBe('4h');
    expect(rangeShowing(NOW - 3 * HOUR, NOW)).toBe('4h');
    expect(rangeShowing(NOW - 4 * HOUR, NOW)).toBe('1d');
    expect(rangeShowing(NOW - 23 * HOUR - 45 * MINUTE, NOW)).toBe('1d');
  });

  it('has none for a moment older than the longest range', () => {
    expect(rangeShowing(NOW - 23 * HOUR - 45 * MINUTE - 1, NOW)).toBeNull();
    expect(rangeShowing(NOW - 2 * 24 * HOUR, NOW)).toBeNull();
  });

  it('takes a moment a little ahead of the browser’s clock as now', () => {
    expect(rangeShowing(NOW + 5000, NOW)).toBe('1h');
  });
});

describe('intervalRefusal', () => {
  it('allows every pairing the series can hold and refuses 1-minute bars over a day, saying why', () => {
    const refused = CHART_RANGES.flatMap((r) =>
      CHART_INTERVALS.filter((i) => intervalRefusal(r.label, i) !== null).map((i) => `${r.label}@${i}`),
    );
    expect(refused).toEqual(['1d@1m']);
    expect(intervalRefusal('1d', '1m')).toBe('1m bars over 1d would be 1440 bars; the chart draws at most 500');
  });

  it('allows each range its own default interval', () => {
    for (const r of CHART_RANGES) expect(intervalRefusal(r.label, r.interval)).toBeNull();
  });
});

describe('xDomain', () => {
  it('spans the whole range and ends where the current bar ends', () => {
    expect(xDomain('1d', 15 * MINUTE, NOW + 7 * MINUTE)).toEqual([NOW + 15 * MINUTE - 24 * HOUR, NOW + 15 * MINUTE]);
    expect(xDomain('1h', MINUTE, NOW + 30_000)).toEqual([NOW + MINUTE - HOUR, NOW + MINUTE]);
  });

  it('moves on only when a new bar begins', () => {
    expect(xDomain('4h', 5 * MINUTE, NOW + 1)).toEqual(xDomain('4h', 5 * MINUTE, NOW + 5 * MINUTE - 1));
    expect(xDomain('4h', 5 * MINUTE, NOW + 5 * MINUTE)[1]).toBe(NOW + 10 * MINUTE);
  });
});
