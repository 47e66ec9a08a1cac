import { describe, expect, it } from 'vitest';
import { ERROR_PATHS, applyEdit, clearErrors, errorPathsFor, followedSymbol } from './form-edits';
import { initialFormState, visibleFields } from './form-model';

describe('applyEdit', () => {
  it('merges the edited inputs and capitalises a typed symbol', () => {
    const state = initialFormState('AAPL');
    expect(applyEdit(state, { symbol: 'msft', threshold: '12' })).toEqual({
      ...state,
      symbol: 'MSFT',
      threshold: '12',
    });
    expect(applyEdit(state, { note: 'keep case' }).note).toBe('keep case');
  });
});

describe('errorPathsFor', () => {
  it('names the error paths an edit makes stale', () => {
    expect(errorPathsFor({ threshold: '1' })).toEqual(['condition.threshold']);
    expect(errorPathsFor({ expires: '' })).toEqual(['expires_at']);
    expect(errorPathsFor({ period: '9' })).toEqual(['condition.period', 'condition.fast_period']);
    expect(errorPathsFor({ notification_method: 'sns' })).toEqual(['notification_method', 'email', 'sns_target']);
    expect(errorPathsFor({ symbol: 'A', note: '' })).toEqual(['symbol', 'note']);
  });

  it('lets a new indicator clear every indicator setting', () => {
    const indicatorPaths = visibleFields({ condition_type: 'indicator', indicator: 'macd' })
      .concat(visibleFields({ condition_type: 'indicator', indicator: 'bollinger' }))
      .filter((p) => p.startsWith('condition.') && p !== 'condition.interval' && p !== 'condition.operator');
    expect(new Set(ERROR_PATHS.indicator)).toEqual(new Set(indicatorPaths));
  });

  it('names every path of the form that an input edits', () => {
    const all = new Set(Object.values(ERROR_PATHS).flat());
    for (const path of visibleFields({ condition_type: 'indicator', indicator: 'macd' })) expect(all).toContain(path);
    for (const path of visibleFields({ condition_type: 'fundamental', indicator: 'rsi' })) expect(all).toContain(path);
    for (const path of visibleFields({ condition_type: 'price_threshold', indicator: 'rsi' }))
      expect(all).toContain(path);
    for (const path of visibleFields({ condition_type: 'price_move', indicator: 'rsi' })) expect(all).toContain(path);
    for (const path of visibleFields({ condition_type: 'price_channel', indicator: 'rsi' }))
      expect(all).toContain(path);
  });

  it('lets a new lower bound clear the upper bound’s error, which compares the two', () => {
    expect(errorPathsFor({ lower: '190' })).toEqual(['condition.lower', 'condition.upper']);
  });
});

describe('clearErrors', () => {
  const errors = { symbol: 'bad', 'condition.threshold': 'Required' };

  it('drops the errors at the given paths', () => {
    expect(clearErrors(errors, ['condition.threshold', 'note'])).toEqual({ symbol: 'bad' });
  });

  it('returns the same object when none of the paths has an error', () => {
    expect(clearErrors(errors, ['note'])).toBe(errors);
    expect(clearErrors(errors, [])).toBe(errors);
  });
});

describe('followedSymbol', () => {
  it('follows the watchlist’s pick for a new alert until the user types a symbol', () => {
    expect(followedSymbol('MSFT', { editing: false, symbolTouched: false })).toBe('MSFT');
    expect(followedSymbol('MSFT', { editing: false, symbolTouched: true })).toBeNull();
    expect(followedSymbol(null, { editing: false, symbolTouched: false })).toBeNull();
  });

  it('never changes the symbol of an alert being edited', () => {
    expect(followedSymbol('MSFT', { editing: true, symbolTouched: false })).toBeNull();
  });
});
