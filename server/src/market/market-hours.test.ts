import { describe, it, expect } from 'vitest';
import { MarketHours } from './market-hours.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const utc = (iso: string) => Date.parse(`${iso}Z`);
const usEquities = new MarketHours('us-equities');

describe('MarketHours always', () => {
  it('counts every millisecond, nights and weekends too', () => {
    const saturdayNight = utc('2026-01-17T03:00:00.000');
    expect(new MarketHours('always').openFor(saturdayNight, 2 * MINUTE)).toBe(saturdayNight + 2 * MINUTE);
  });
});

describe('MarketHours us-equities', () => {
  it('counts time inside the session as it passes (Thursday 10:00 EST)', () => {
    const at = utc('2026-01-15T15:00:00.000');
    expect(usEquities.openFor(at, 2 * MINUTE)).toBe(at + 2 * MINUTE);
  });

  it('starts counting at 09:30 ET for a trade before the open', () => {
    // 08:00 EST on a Thursday: the session opens at 14:30Z.
    expect(usEquities.openFor(utc('2026-01-15T13:00:00.000'), 2 * MINUTE)).toBe(utc('2026-01-15T14:32:00.000'));
  });

  it('carries what is left at 16:00 ET over to the next morning', () => {
    // 15:59 EST Thursday: one minute before the close, one after Friday's open.
    expect(usEquities.openFor(utc('2026-01-15T20:59:00.000'), 2 * MINUTE)).toBe(utc('2026-01-16T14:31:00.000'));
  });

  it('skips the weekend: Friday after the close counts from Monday 09:30', () => {
    expect(usEquities.openFor(utc('2026-01-16T22:00:00.000'), 2 * MINUTE)).toBe(utc('2026-01-19T14:32:00.000'));
  });

  it('spans several sessions for a long silence', () => {
    // Monday 09:30 EST plus 8 hours of session: 6.5 on Monday, 1.5 on Tuesday.
    expect(usEquities.openFor(utc('2026-01-12T14:30:00.000'), 8 * HOUR)).toBe(utc('2026-01-13T16:00:00.000'));
  });

  it('follows daylight saving time: the session opens at 13:30Z in summer', () => {
    expect(usEquities.openFor(utc('2026-07-01T12:00:00.000'), MINUTE)).toBe(utc('2026-07-01T13:31:00.000'));
    expect(usEquities.openFor(utc('2026-07-01T19:59:00.000'), 2 * MINUTE)).toBe(utc('2026-07-02T13:31:00.000'));
  });

  it('opens at 09:30 local time on the Monday after clocks spring forward and after they fall back', () => {
    // Clocks go forward on Sunday 2026-03-08 and back on Sunday 2026-11-01.
    expect(usEquities.openFor(utc('2026-03-06T22:00:00.000'), MINUTE)).toBe(utc('2026-03-09T13:31:00.000'));
    expect(usEquities.openFor(utc('2026-10-30T21:00:00.000'), MINUTE)).toBe(utc('2026-11-02T14:31:00.000'));
  });

  it('counts a trade exactly at the close as silent from the next open', () => {
    expect(usEquities.openFor(utc('2026-01-15T21:00:00.000'), MINUTE)).toBe(utc('2026-01-16T14:31:00.000'));
  });
});
