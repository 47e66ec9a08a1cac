import { describe, it, expect } from 'vitest';
import { DayBar } from './day-bar.js';
import { TradingDayClock } from './trading-day.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** 2026-01-15 00:00 EST. */
const DAY = utc('2026-01-15T05:00:00.000');
const NEXT_DAY = DAY + 24 * HOUR;

const tick = (timestamp: number, price: number) => ({ timestamp, price, volume: 1 });

describe('DayBar', () => {
  it('has no bar before the first tick', () => {
    expect(new DayBar().current()).toBeUndefined();
  });

  it('opens, highs, lows and closes at the first tick of the day', () => {
    const bar = new DayBar();
    const value = bar.update(tick(DAY + 9.5 * HOUR, 100));
    expect(value).toMatchObject({ day: '2026-01-15', open: 100, high: 100, low: 100, close: 100 });
    expect(bar.current()).toEqual(value);
  });

  it('keeps the first trade as the open and tracks the running extremes and the last trade', () => {
    const bar = new DayBar();
    const prices = [100, 103, 98, 101, 97.5, 104, 102];
    let value;
    for (const [i, price] of prices.entries()) value = bar.update(tick(DAY + 10 * HOUR + i * MINUTE, price));
    expect(value).toMatchObject({ day: '2026-01-15', open: 100, high: 104, low: 97.5, close: 102 });
    expect(bar.current()).toEqual(value);
  });

  it('counts pre-market trades as the open and after-hours trades in the close', () => {
    const bar = new DayBar();
    bar.update(tick(DAY + 4 * HOUR, 50)); // 04:00 ET, pre-market
    bar.update(tick(DAY + 12 * HOUR, 52));
    expect(bar.update(tick(DAY + 19 * HOUR, 49))).toMatchObject({
      day: '2026-01-15',
      open: 50,
      high: 52,
      low: 49,
      close: 49,
    });
  });

  it('takes a tick at 23:59:59.999 ET into the old day', () => {
    const bar = new DayBar();
    bar.update(tick(DAY + 12 * HOUR, 10));
    expect(bar.update(tick(NEXT_DAY - 1, 11))).toMatchObject({
      day: '2026-01-15',
      open: 10,
      high: 11,
      low: 10,
      close: 11,
    });
  });

  it('starts a new bar with the first tick at or after 00:00:00.000 ET', () => {
    const bar = new DayBar();
    bar.update(tick(DAY + 12 * HOUR, 10));
    bar.update(tick(DAY + 13 * HOUR, 15));
    expect(bar.update(tick(NEXT_DAY, 12))).toMatchObject({ day: '2026-01-16', open: 12, high: 12, low: 12, close: 12 });
    expect(bar.update(tick(NEXT_DAY + 1, 13))).toMatchObject({
      day: '2026-01-16',
      open: 12,
      high: 13,
      low: 12,
      close: 13,
    });
  });

  it('starts the new bar on whichever later day the next tick falls, skipping quiet days', () => {
    const bar = new DayBar();
    bar.update(tick(DAY + 12 * HOUR, 10));
    expect(bar.update(tick(DAY + 4 * 24 * HOUR + HOUR, 20)).day).toBe('2026-01-19');
  });

  it('splits days at ET midnight, not UTC midnight', () => {
    const bar = new DayBar();
    bar.update(tick(utc('2026-01-15T23:00:00.000'), 10)); // 18:00 ET on the 15th
    const value = bar.update(tick(utc('2026-01-16T02:00:00.000'), 11)); // 21:00 ET, still the 15th
    expect(value).toMatchObject({ day: '2026-01-15', open: 10, high: 11, low: 10, close: 11 });
  });

  it('ignores a tick from an earlier day and returns the current bar unchanged', () => {
    const bar = new DayBar();
    bar.update(tick(DAY + 12 * HOUR, 10));
    const today = bar.update(tick(NEXT_DAY + HOUR, 20));
    expect(bar.update(tick(NEXT_DAY - 1, 999))).toEqual(today);
    expect(bar.update(tick(DAY + 13 * HOUR, 1))).toEqual(today);
    expect(bar.current()).toMatchObject({ day: '2026-01-16', open: 20, high: 20, low: 20, close: 20 });
  });

  it('does not change a bar it returned earlier when later ticks arrive', () => {
    const bar = new DayBar();
    const first = bar.update(tick(DAY + 12 * HOUR, 10));
    bar.update(tick(DAY + 13 * HOUR, 11));
    expect(first).toMatchObject({ day: '2026-01-15', open: 10, high: 10, low: 10, close: 10 });
  });

  it('spans the whole 23-hour spring-forward day', () => {
    const bar = new DayBar();
    const start = utc('2026-03-08T05:00:00.000');
    bar.update(tick(start, 10));
    expect(bar.update(tick(start + 23 * HOUR - 1, 11)).day).toBe('2026-03-08');
    expect(bar.update(tick(start + 23 * HOUR, 12))).toMatchObject({
      day: '2026-03-09',
      open: 12,
      high: 12,
      low: 12,
      close: 12,
    });
  });

  it('spans the whole 25-hour fall-back day', () => {
    const bar = new DayBar();
    const start = utc('2026-11-01T04:00:00.000');
    bar.update(tick(start, 10));
    expect(bar.update(tick(start + 24 * HOUR, 9)).day).toBe('2026-11-01'); // 23:00 EST
    expect(bar.update(tick(start + 25 * HOUR - 1, 11))).toMatchObject({
      day: '2026-11-01',
      open: 10,
      high: 11,
      low: 9,
      close: 11,
    });
    expect(bar.update(tick(start + 25 * HOUR, 12)).day).toBe('2026-11-02');
  });

  it('works with a clock shared with other market state', () => {
    const clock = new TradingDayClock();
    clock.dayStart(NEXT_DAY + HOUR);
    const bar = new DayBar(clock);
    expect(bar.update(tick(DAY + HOUR, 10)).day).toBe('2026-01-15');
    expect(bar.update(tick(NEXT_DAY + HOUR, 11)).day).toBe('2026-01-16');
  });
});
