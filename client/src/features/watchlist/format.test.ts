import { describe, expect, it } from 'vitest';
import { formatChange, formatClock, formatPrice } from './format';

describe('formatPrice', () => {
  it('always shows two decimals', () => {
    expect(formatPrice(205.5)).toBe('205.50');
    expect(formatPrice(410.25)).toBe('410.25');
    expect(formatPrice(1)).toBe('1.00');
    expect(formatPrice(0)).toBe('0.00');
  });

  it('shows up to four decimals when the price has them', () => {
    expect(formatPrice(207.125)).toBe('207.125');
    expect(formatPrice(0.1234)).toBe('0.1234');
    expect(formatPrice(0.12345678)).toBe('0.1235');
  });

  it('does not group thousands', () => {
    expect(formatPrice(12345.6)).toBe('12345.60');
  });
});

describe('formatChange', () => {
  it('signs a rise and gives the percentage since the open', () => {
    expect(formatChange(207.125, 205.5)).toEqual({
      text: '+1.625 (+0.79%)',
      amount: '+1.625',
      percent: '(+0.79%)',
      direction: 'up',
    });
  });

  it('signs a fall', () => {
    const change = formatChange(204.5, 205);
    expect(change.text).toBe('-0.50 (-0.24%)');
    expect(change.direction).toBe('down');
  });

  it('reads as flat when unchanged, even after float error', () => {
    expect(formatChange(0.1 + 0.2, 0.3)).toMatchObject({ text: '0.00 (0.00%)', direction: 'flat' });
  });

  it('keeps the sign on a change too small to show in percent', () => {
    expect(formatChange(415.02, 415).text).toBe('+0.02 (+0.00%)');
  });

  it('does not divide by a zero open', () => {
    expect(formatChange(1, 0).percent).toBe('(+0.00%)');
  });
});

describe('formatClock', () => {
  it('formats local hours and minutes, optionally seconds', () => {
    const ms = new Date(2024, 0, 2, 9, 5, 7).getTime();
    expect(formatClock(ms)).toBe('09:05');
    expect(formatClock(ms, true)).toBe('09:05:07');
  });
});
