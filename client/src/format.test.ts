import { describe, expect, it } from 'vitest';
import { formatChange, formatClock, formatMoment } from './format';

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

  it('signs the amount but not a percentage that rounds to zero', () => {
    expect(formatChange(415.02, 415)).toMatchObject({ text: '+0.02 (0.00%)', direction: 'up' });
    expect(formatChange(414.98, 415)).toMatchObject({ text: '-0.02 (0.00%)', direction: 'down' });
  });

  it.each([
    [134.99, 134.99004],
    [100, 100.00004999],
    [0, 0],
    [-0, 0],
  ])('reads %s against an open of %s as flat, never as a negative zero', (last, open) => {
    const change = formatChange(last, open);
    expect(change).toMatchObject({ text: '0.00 (0.00%)', amount: '0.00', percent: '(0.00%)', direction: 'flat' });
    expect(change.text).not.toContain('-');
  });

  it('does not divide by a zero open', () => {
    expect(formatChange(1, 0)).toMatchObject({ text: '+1.00 (0.00%)', direction: 'up' });
  });
});

describe('formatClock', () => {
  it('formats local hours and minutes, optionally seconds', () => {
    const ms = new Date(2024, 0, 2, 9, 5, 7).getTime();
    expect(formatClock(ms)).toBe('09:05');
    expect(formatClock(ms, true)).toBe('09:05:07');
  });
});

describe('formatMoment', () => {
  const now = new Date(2026, 10, 29, 18, 0).getTime();

  it('writes a time of today with seconds, another day of this year with its date, an older one with its year', () => {
    expect(formatMoment(new Date(2026, 10, 29, 14, 32, 5).getTime(), now)).toBe('14:32:05');
    expect(formatMoment(new Date(2026, 10, 29, 14, 32, 5).getTime(), now, false)).toBe('14:32');
    expect(formatMoment(new Date(2026, 10, 28, 14, 32, 5).getTime(), now, false)).toBe('Nov 28 14:32');
    expect(formatMoment(new Date(2026, 10, 28, 14, 32, 5).getTime(), now)).toBe('Nov 28 14:32');
    expect(formatMoment(new Date(2025, 0, 3, 9, 5).getTime(), now)).toBe('Jan 3 2025 09:05');
  });
});
