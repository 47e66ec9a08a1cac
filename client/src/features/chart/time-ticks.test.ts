import { describe, expect, it } from 'vitest';
import { formatTimeTick, timeTicks } from './time-ticks';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Local times, so the tests hold in any time zone.
const at = (h: number, m = 0, s = 0) => new Date(2026, 10, 29, h, m, s).getTime();

describe('timeTicks', () => {
  it('labels an hour every 10 minutes at round times', () => {
    const ticks = timeTicks(at(14, 3, 20), at(15, 3, 20), 10);
    expect(ticks.map(formatTimeTick)).toEqual(['14:10', '14:20', '14:30', '14:40', '14:50', '15:00']);
  });

  it('labels a day every 2 hours from midnight, naming the new day', () => {
    const from = at(15, 30) - 24 * HOUR;
    const ticks = timeTicks(from, at(15, 30), 12);
    expect(ticks).toHaveLength(12);
    expect(ticks.every((t, i) => i === 0 || t - ticks[i - 1]! === 2 * HOUR)).toBe(true);
    expect(ticks.map((t) => new Date(t).getHours() % 2)).toEqual(Array(12).fill(0));
    expect(formatTimeTick(at(0))).toBe('Nov 29');
  });

  it('takes a coarser step when the axis has room for fewer labels', () => {
    const ticks = timeTicks(at(11), at(15), 5);
    expect(ticks.map(formatTimeTick)).toEqual(['11:00', '12:00', '13:00', '14:00', '15:00']);
    expect(timeTicks(at(11), at(15), 20).length).toBe(17);
  });

  it('keeps every tick inside the range', () => {
    for (const [from, to, n] of [
      [at(9, 17, 31), at(9, 17, 31) + 4 * HOUR, 7],
      [at(0, 0, 1), at(0, 0, 1) + HOUR, 3],
      [at(23, 59), at(23, 59) + 24 * HOUR, 1],
    ] as const) {
      const ticks = timeTicks(from, to, n);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(n);
      expect(ticks[0]!).toBeGreaterThanOrEqual(from);
      expect(ticks.at(-1)!).toBeLessThanOrEqual(to);
    }
  });
});
