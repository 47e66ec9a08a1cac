import { describe, expect, it } from 'vitest';
import { initialFormState } from './form-model';
import { prefillAtPrice, withPrefill } from './prefill';

describe('prefillAtPrice', () => {
  it('sets "above" over the last price and "below" at or under it', () => {
    expect(prefillAtPrice('AAPL', 231.5, 230)).toEqual({ symbol: 'AAPL', threshold: 231.5, operator: '>' });
    expect(prefillAtPrice('AAPL', 228, 230)).toEqual({ symbol: 'AAPL', threshold: 228, operator: '<' });
    expect(prefillAtPrice('AAPL', 230, 230).operator).toBe('<');
  });

  it('sets "above" when there is no last price to compare with', () => {
    expect(prefillAtPrice('NEW', 10, null).operator).toBe('>');
  });
});

describe('withPrefill', () => {
  it('switches the form to a price threshold at the level and keeps the rest of the draft', () => {
    const draft = { ...initialFormState('MSFT'), condition_type: 'price_move' as const, note: 'keep me' };
    expect(withPrefill(draft, { symbol: 'AAPL', threshold: 231.5, operator: '>' })).toEqual({
      ...draft,
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      operator: '>',
      threshold: '231.5',
    });
  });
});
