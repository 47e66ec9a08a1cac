import { describe, expect, it } from 'vitest';
import { formatChange, formatClock } from './format';

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
