import { describe, it, expect, vi } from 'vitest';
import { EXCHANGE_TIME_ZONE, TradingDayClock, tradingDayOf } from './trading-day.js';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** ET midnights, written in UTC: 05:00Z while New York is on EST (UTC−5), 04:00Z on EDT (UTC−4). */
const MIDNIGHT = {
  winter: utc('2026-01-15T05:00:00.000'),
  winterNext: utc('2026-01-16T05:00:00.000'),
  summer: utc('2026-07-01T04:00:00.000'),
  summerNext: utc('2026-07-02T04:00:00.000'),
  springForward: utc('2026-03-08T05:00:00.000'),
  springForwardNext: utc('2026-03-09T04:00:00.000'),
  fallBack: utc('2026-11-01T04:00:00.000'),
  fallBackNext: utc('2026-11-02T05:00:00.000'),
};

describe('EXCHANGE_TIME_ZONE', () => {
  it('is New York time', () => {
    expect(EXCHANGE_TIME_ZONE).toBe('America/New_York');
  });
});

describe('tradingDayOf', () => {
  it('names the New York calendar date, not the UTC one, in the evening ET', () => {
    // 2026-01-15 22:30 EST is already the 16th in UTC.
    expect(tradingDayOf(utc('2026-01-16T03:30:00.000'))).toBe('2026-01-15');
  });

  it('counts pre-market and after-hours trades in the day they happen on', () => {
    expect(tradingDayOf(utc('2026-01-15T09:00:00.000'))).toBe('2026-01-15'); // 04:00 ET
    expect(tradingDayOf(utc('2026-01-16T00:59:00.000'))).toBe('2026-01-15'); // 19:59 ET
  });

  it('puts a trade at exactly 00:00:00.000 ET in the new day', () => {
    expect(tradingDayOf(MIDNIGHT.winter)).toBe('2026-01-15');
    expect(tradingDayOf(MIDNIGHT.summer)).toBe('2026-07-01');
  });

  it('puts a trade at 23:59:59.999 ET in the old day', () => {
    expect(tradingDayOf(MIDNIGHT.winter - 1)).toBe('2026-01-14');
    expect(tradingDayOf(MIDNIGHT.summer - 1)).toBe('2026-06-30');
  });

  it('zero-pads months and days', () => {
    expect(tradingDayOf(utc('2026-02-03T17:00:00.000'))).toBe('2026-02-03');
  });

  it('crosses month and year ends in New York time', () => {
    expect(tradingDayOf(utc('2027-01-01T04:59:59.999'))).toBe('2026-12-31');
    expect(tradingDayOf(utc('2027-01-01T05:00:00.000'))).toBe('2027-01-01');
  });

  it('keeps the whole 23-hour spring-forward day together', () => {
    expect(tradingDayOf(MIDNIGHT.springForward)).toBe('2026-03-08');
    expect(tradingDayOf(MIDNIGHT.springForward + 2 * HOUR)).toBe('2026-03-08'); // 03:00 EDT, just after the jump
    expect(tradingDayOf(MIDNIGHT.springForwardNext - 1)).toBe('2026-03-08');
    expect(tradingDayOf(MIDNIGHT.springForwardNext)).toBe('2026-03-09');
  });

  it('keeps the whole 25-hour fall-back day together, including the repeated 01:00 hour', () => {
    expect(tradingDayOf(MIDNIGHT.fallBack)).toBe('2026-11-01');
    expect(tradingDayOf(MIDNIGHT.fallBack + 1.5 * HOUR)).toBe('2026-11-01'); // 01:30 EDT
    expect(tradingDayOf(MIDNIGHT.fallBack + 2.5 * HOUR)).toBe('2026-11-01'); // 01:30 EST
    expect(tradingDayOf(MIDNIGHT.fallBackNext - 1)).toBe('2026-11-01');
    expect(tradingDayOf(MIDNIGHT.fallBackNext)).toBe('2026-11-02');
  });

  it('rejects a timestamp that is not a number of milliseconds', () => {
    expect(() => tradingDayOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('TradingDayClock', () => {
  it.each([
    ['a winter (EST) day', MIDNIGHT.winter, MIDNIGHT.winterNext, 24],
    ['a summer (EDT) day', MIDNIGHT.summer, MIDNIGHT.summerNext, 24],
    ['the spring-forward day 2026-03-08', MIDNIGHT.springForward, MIDNIGHT.springForwardNext, 23],
    ['the fall-back day 2026-11-01', MIDNIGHT.fallBack, MIDNIGHT.fallBackNext, 25],
  ])('bounds %s by its ET midnights', (_name, start, next, hours) => {
    const clock = new TradingDayClock();
    expect(next - start).toBe(hours * HOUR);
    for (const ms of [start, start + 1, start + (next - start) / 2, next - 1]) {
      expect(clock.dayStart(ms)).toBe(start);
      expect(clock.nextDayStart(ms)).toBe(next);
    }
  });

  it('starts a new day at exactly 00:00:00.000 ET and not a millisecond before', () => {
    const clock = new TradingDayClock();
    expect(clock.dayStart(MIDNIGHT.winterNext - 1)).toBe(MIDNIGHT.winter);
    expect(clock.dayStart(MIDNIGHT.winterNext)).toBe(MIDNIGHT.winterNext);
    expect(clock.nextDayStart(MIDNIGHT.winterNext)).toBe(utc('2026-01-17T05:00:00.000'));
  });

  it('walks day by day across both 2026 clock changes', () => {
    const clock = new TradingDayClock();
    const starts: number[] = [];
    let ms = utc('2026-03-07T05:00:00.000');
    while (ms < utc('2026-03-10T04:00:00.000')) {
      starts.push(clock.dayStart(ms));
      ms = clock.nextDayStart(ms);
    }
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);

    const autumn: number[] = [];
    ms = utc('2026-10-31T04:00:00.000');
    while (ms < utc('2026-11-03T05:00:00.000')) {
      autumn.push(clock.dayStart(ms));
      ms = clock.nextDayStart(ms);
    }
    expect(autumn.map((s) => new Date(s).toISOString())).toEqual([
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ]);
  });

  it('agrees with tradingDayOf across a whole year', () => {
    const clock = new TradingDayClock();
    // A 5-hour step lands on every hour of the day over the year without checking all 8,760 of them.
    for (let ms = utc('2026-01-01T00:30:00.000'); ms < utc('2027-01-01T00:00:00.000'); ms += 5 * HOUR) {
      const start = clock.dayStart(ms);
      expect(tradingDayOf(start)).toBe(tradingDayOf(ms));
      expect(tradingDayOf(start - 1)).not.toBe(tradingDayOf(ms));
      expect(tradingDayOf(clock.nextDayStart(ms))).not.toBe(tradingDayOf(ms));
      expect(tradingDayOf(clock.nextDayStart(ms) - 1)).toBe(tradingDayOf(ms));
    }
  });

  it('answers earlier days too, after having moved on', () => {
    const clock = new TradingDayClock();
    expect(clock.dayStart(MIDNIGHT.summer + HOUR)).toBe(MIDNIGHT.summer);
    expect(clock.dayStart(MIDNIGHT.winter + HOUR)).toBe(MIDNIGHT.winter);
    expect(clock.dayStart(MIDNIGHT.summer + 2 * HOUR)).toBe(MIDNIGHT.summer);
  });

  it('does no time-zone arithmetic for further ticks of the same day', () => {
    const clock = new TradingDayClock();
    clock.dayStart(MIDNIGHT.winter + HOUR);
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      for (let ms = MIDNIGHT.winter; ms < MIDNIGHT.winterNext; ms += 60_000) {
        clock.dayStart(ms);
        clock.nextDayStart(ms);
      }
      expect(formatToParts).not.toHaveBeenCalled();
      clock.dayStart(MIDNIGHT.winterNext);
      expect(formatToParts).toHaveBeenCalled();
    } finally {
      formatToParts.mockRestore();
    }
  });

  it('rejects a timestamp that is not a number of milliseconds', () => {
    expect(() => new TradingDayClock().dayStart(Number.NaN)).toThrow(RangeError);
  });
});
