import { describe, expect, it } from 'vitest';
import { formatTick, niceStep, priceAxis, snapPrice } from './price-ticks';

/** Checks every property a trader relies on, for one range and tick count. */
function expectGoodAxis(low: number, high: number, count: number) {
  const axis = priceAxis(low, high, count);
  const labels = axis.ticks.map((t) => formatTick(t, axis));
  expect(new Set(labels).size, `duplicate labels in ${labels.join(' ')}`).toBe(labels.length);
  expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
  expect(axis.ticks.length).toBeLessThanOrEqual(2 * Math.max(3, count));
  for (let i = 1; i < axis.ticks.length; i++) {
    expect(axis.ticks[i]! - axis.ticks[i - 1]!).toBeCloseTo(axis.step, 10);
  }
  // The domain holds the data, the ticks lie in the domain and leave no more than one step bare at either end.
  expect(axis.domain[0]).toBeLessThanOrEqual(low);
  expect(axis.domain[1]).toBeGreaterThanOrEqual(high);
  expect(axis.ticks[0]!).toBeGreaterThanOrEqual(axis.domain[0] - axis.step * 1e-9);
  expect(axis.ticks.at(-1)!).toBeLessThanOrEqual(axis.domain[1] + axis.step * 1e-9);
  expect(axis.ticks[0]! - axis.domain[0]).toBeLessThan(axis.step);
  expect(axis.domain[1] - axis.ticks.at(-1)!).toBeLessThan(axis.step);
  // Round values: each tick is a whole number of steps, and its label reads back as the tick.
  for (const [i, tick] of axis.ticks.entries()) {
    expect(Math.abs(tick / axis.step - Math.round(tick / axis.step))).toBeLessThan(1e-6);
    expect(Number(labels[i])).toBeCloseTo(tick, 10);
  }
  return { axis, labels };
}

describe('niceStep', () => {
  it.each([
    [10, 6, 2, 0],
    [1, 6, 0.2, 1],
    [1.2, 6, 0.25, 2],
    [2.4, 6, 0.5, 1],
    [0.01, 6, 0.002, 3],
    [4000, 5, 1000, 0],
    [90, 10, 10, 0],
    [0.001, 2, 0.001, 3],
  ])('splits %s into at most %s ticks with step %s and %s decimals', (span, count, step, decimals) => {
    expect(niceStep(span, count)).toEqual({ step, decimals });
  });

  it('only ever uses 1, 2, 2.5 or 5 times a power of ten', () => {
    for (let span = 0.0003; span < 1e7; span *= 1.37) {
      const { step } = niceStep(span, 7);
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect(
        [1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-9),
        `step ${step}`,
      ).toBe(true);
      expect(step).toBeGreaterThanOrEqual(span / 6 - 1e-12);
    }
  });
});

describe('priceAxis', () => {
  it('labels a tiny range (228.00–228.01) with enough decimals to tell every tick apart', () => {
    const { labels } = expectGoodAxis(228, 228.01, 6);
    expect(labels.every((l) => /^228\.\d{3,}$/.test(l))).toBe(true);
  });

  it('labels a typical stock range with two decimals', () => {
    const { axis, labels } = expectGoodAxis(227.35, 231.8, 12);
    expect(axis.step).toBe(0.5);
    expect(labels[0]).toBe('227.00');
  });

  it('handles big ranges and big prices', () => {
    expectGoodAxis(10, 90_000, 8);
    const { labels } = expectGoodAxis(612_000, 640_000, 6);
    expect(labels.every((l) => !l.includes('.'))).toBe(true);
  });

  it('centres a flat series in a small band with ticks above and below it', () => {
    const { axis } = expectGoodAxis(228, 228, 6);
    expect(axis.domain[0]).toBeLessThan(228);
    expect(axis.domain[1]).toBeGreaterThan(228);
    expect(axis.ticks.some((t) => t < 228) && axis.ticks.some((t) => t > 228)).toBe(true);
  });

  it('accepts the ends in either order and a count too small to matter', () => {
    expect(priceAxis(231, 229, 6)).toEqual(priceAxis(229, 231, 6));
    expectGoodAxis(229, 231, 0);
  });

  it('holds its properties over many ranges, prices and tick counts', () => {
    for (let price = 0.05; price < 50_000; price *= 3.1) {
      for (const width of [0, 0.0001, 0.003, 0.01, 0.37, 1, 2.5, 13, 400]) {
        for (const count of [3, 5, 8, 12]) expectGoodAxis(price, price + width * price, count);
      }
    }
  });
});

describe('snapPrice', () => {
  it('rounds to the cent on a normal axis and finer on a tiny one', () => {
    expect(snapPrice(231.4849, { step: 0.5 })).toBe(231.48);
    expect(snapPrice(231.4851, { step: 5 })).toBe(231.49);
    expect(snapPrice(228.00437, { step: 0.002 })).toBe(228.0044);
  });
});
