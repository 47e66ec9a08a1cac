import { describe, it, expect } from 'vitest';
import type { Fundamentals } from '@tickwatch/shared';
import { readMetric } from './fundamentals.js';

const loaded = (values: Partial<Fundamentals>): Fundamentals => ({
  eps_ttm: null,
  shares_outstanding: null,
  annual_dividend: null,
  ...values,
});

const ALL = loaded({ eps_ttm: 6.1, shares_outstanding: 15.2e9, annual_dividend: 0.96 });

describe('readMetric', () => {
  it('computes P/E as the price over trailing EPS', () => {
    expect(readMetric('AAPL', 'pe_ratio', 183, ALL)).toEqual({ ready: true, value: 183 / 6.1 });
    expect(readMetric('AAPL', 'pe_ratio', 100, loaded({ eps_ttm: 4 }))).toEqual({ ready: true, value: 25 });
  });

  it('computes market cap as the price times shares outstanding', () => {
    expect(readMetric('AAPL', 'market_cap', 200, ALL)).toEqual({ ready: true, value: 200 * 15.2e9 });
    expect(readMetric('AAPL', 'market_cap', 10, loaded({ shares_outstanding: 1e9 }))).toEqual({
      ready: true,
      value: 1e10,
    });
  });

  it('computes dividend yield in percent of the price', () => {
    expect(readMetric('AAPL', 'dividend_yield', 48, ALL)).toEqual({ ready: true, value: 2 });
    expect(readMetric('KO', 'dividend_yield', 50, loaded({ annual_dividend: 2 }))).toEqual({ ready: true, value: 4 });
  });

  it('reads a zero dividend as a zero yield, not as missing data', () => {
    expect(readMetric('AMZN', 'dividend_yield', 180, loaded({ annual_dividend: 0 }))).toEqual({
      ready: true,
      value: 0,
    });
  });

  it('moves with the price and only with the price', () => {
    const at = (price: number) => readMetric('AAPL', 'pe_ratio', price, loaded({ eps_ttm: 5 }));
    expect([at(90), at(100), at(110)]).toEqual([
      { ready: true, value: 18 },
      { ready: true, value: 20 },
      { ready: true, value: 22 },
    ]);
  });

  it.each([
    ['pe_ratio', 'no eps_ttm loaded for AAPL'],
    ['market_cap', 'no shares_outstanding loaded for AAPL'],
    ['dividend_yield', 'no annual_dividend loaded for AAPL'],
  ] as const)('says which field is missing for %s when nothing is loaded for the symbol', (metric, reason) => {
    expect(readMetric('AAPL', metric, 100, undefined)).toEqual({ ready: false, reason });
  });

  it.each([
    ['pe_ratio', loaded({ shares_outstanding: 1e9, annual_dividend: 1 }), 'no eps_ttm loaded for MSFT'],
    ['market_cap', loaded({ eps_ttm: 5, annual_dividend: 1 }), 'no shares_outstanding loaded for MSFT'],
    ['dividend_yield', loaded({ eps_ttm: 5, shares_outstanding: 1e9 }), 'no annual_dividend loaded for MSFT'],
  ] as const)('says which field is missing for %s when only the others are loaded', (metric, values, reason) => {
    expect(readMetric('MSFT', metric, 100, values)).toEqual({ ready: false, reason });
  });

  it.each([
    [0, 'P/E is undefined for TSLA: trailing EPS 0 is not positive'],
    [-2.5, 'P/E is undefined for TSLA: trailing EPS -2.5 is not positive'],
  ])('says P/E is undefined when trailing EPS is %s', (eps, reason) => {
    expect(readMetric('TSLA', 'pe_ratio', 250, loaded({ eps_ttm: eps }))).toEqual({ ready: false, reason });
  });

  it('does not need the other fields for each metric', () => {
    expect(readMetric('AAPL', 'pe_ratio', 50, loaded({ eps_ttm: 2 })).ready).toBe(true);
    expect(readMetric('AAPL', 'market_cap', 50, loaded({ shares_outstanding: 2 })).ready).toBe(true);
    expect(readMetric('AAPL', 'dividend_yield', 50, loaded({ annual_dividend: 2 })).ready).toBe(true);
  });
});
