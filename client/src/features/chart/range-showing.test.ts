import { describe, expect, it } from 'vitest';
import { rangeShowing } from './PriceChart';

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
