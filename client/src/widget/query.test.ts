import { describe, expect, it } from 'vitest';
import { MAX_WIDGET_SYMBOLS, formatWidgetPrice, parseWidgetQuery } from './query';

describe('parseWidgetQuery', () => {
  it('reads the symbols in order and the theme', () => {
    expect(parseWidgetQuery('?symbols=AAPL,MSFT&theme=dark')).toEqual({
      symbols: ['AAPL', 'MSFT'],
      invalid: [],
      extra: [],
      theme: 'dark',
    });
  });

  it('defaults to light with no symbols', () => {
    expect(parseWidgetQuery('')).toEqual({ symbols: [], invalid: [], extra: [], theme: 'light' });
  });

  it('falls back to light for an unknown theme and forgives case', () => {
    expect(parseWidgetQuery('?theme=neon').theme).toBe('light');
    expect(parseWidgetQuery('?theme=DARK').theme).toBe('dark');
  });

  it('trims, upper-cases and de-duplicates symbols, skipping empty entries', () => {
    expect(parseWidgetQuery('?symbols=%20aapl%20,,AAPL,brk.b,').symbols).toEqual(['AAPL', 'BRK.B']);
  });

  it('lists entries that are not tickers, as given, once each', () => {
    const query = parseWidgetQuery('?symbols=AAPL,not a ticker,$$,TOOLONGTICKER1,$$');
    expect(query.symbols).toEqual(['AAPL']);
    expect(query.invalid).toEqual(['not a ticker', '$$', 'TOOLONGTICKER1']);
  });

  it('keeps the first symbols up to the limit and reports the rest', () => {
    const many = Array.from({ length: MAX_WIDGET_SYMBOLS + 3 }, (_, i) => `S${i}`);
    const query = parseWidgetQuery(`?symbols=${many.join(',')},S0,S21`);
    expect(query.symbols).toEqual(many.slice(0, MAX_WIDGET_SYMBOLS));
    expect(query.extra).toEqual(many.slice(MAX_WIDGET_SYMBOLS));
  });

  it('accepts the parameter repeated', () => {
    expect(parseWidgetQuery('?symbols=AAPL&symbols=MSFT').symbols).toEqual(['AAPL', 'MSFT']);
  });

  it('decodes an encoded comma list', () => {
    expect(parseWidgetQuery('?symbols=AAPL%2CMSFT').symbols).toEqual(['AAPL', 'MSFT']);
  });
});

describe('formatWidgetPrice', () => {
  it('shows two decimals, four below one', () => {
    expect(formatWidgetPrice(228.4)).toBe('228.40');
    expect(formatWidgetPrice(1234.5)).toBe('1234.50');
    expect(formatWidgetPrice(0.12346)).toBe('0.1235');
  });
});
