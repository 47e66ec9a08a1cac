import { describe, expect, it } from 'vitest';
import { INDICATORS, OPERATORS } from '@tickwatch/shared';
import { initialFormState, visibleFields } from './form-model';
import {
  INDICATOR_HINTS,
  PATH_LABELS,
  amountLabel,
  channelInput,
  channelNote,
  methodHint,
  operatorOption,
  periodLabel,
  submitLabel,
  summaryLine,
  thresholdHint,
  thresholdLabel,
  windowHint,
} from './form-wording';

const state = initialFormState('AAPL');

describe('operatorOption', () => {
  it('adds the symbol to comparisons, not to crossings', () => {
    expect(operatorOption('>')).toBe('above (>)');
    expect(operatorOption('<=')).toBe('at or below (<=)');
    expect(operatorOption('crosses_above')).toBe('crosses above');
    expect(new Set(OPERATORS.map(operatorOption)).size).toBe(OPERATORS.length);
  });
});

describe('threshold and period labels', () => {
  it('say when the threshold is optional and in what unit', () => {
    expect(thresholdLabel(state)).toBe('Threshold');
    expect(thresholdLabel({ ...state, condition_type: 'fundamental', metric: 'dividend_yield' })).toBe('Threshold (%)');
    expect(thresholdLabel({ ...state, condition_type: 'fundamental', metric: 'pe_ratio' })).toBe('Threshold');
    expect(thresholdLabel({ ...state, condition_type: 'indicator', indicator: 'rsi' })).toBe('Threshold (0–100)');
    expect(thresholdLabel({ ...state, condition_type: 'indicator', indicator: 'macd' })).toBe(
      'Threshold (optional, default 0)',
    );
    expect(thresholdLabel({ ...state, condition_type: 'indicator', indicator: 'sma' })).toBe('Threshold (optional)');
  });

  it('explain an empty threshold only where it compares the price with the indicator', () => {
    expect(thresholdHint({ ...state, condition_type: 'indicator', indicator: 'ema' })).toBe(
      'Leave empty to compare the last price with the EMA',
    );
    expect(thresholdHint({ ...state, condition_type: 'indicator', indicator: 'vwap' })).toMatch(/VWAP$/);
    expect(thresholdHint({ ...state, condition_type: 'indicator', indicator: 'rsi' })).toBeUndefined();
    expect(thresholdHint({ ...state, indicator: 'sma' })).toBeUndefined();
  });

  it('call the MACD period its slow period', () => {
    expect(periodLabel('macd')).toBe('Slow period (bars)');
    expect(periodLabel('rsi')).toBe('Period (bars)');
  });

  it('have a hint for every indicator', () => {
    for (const indicator of INDICATORS) expect(INDICATOR_HINTS[indicator]).toBeTruthy();
  });
});

describe('move and channel wording', () => {
  it('gives the amount its unit and the window what it is measured from', () => {
    expect(amountLabel('percent')).toBe('Amount (%)');
    expect(amountLabel('price')).toBe('Amount (price)');
    expect(windowHint('up')).toMatch(/lowest price/);
    expect(windowHint('down')).toMatch(/highest price/);
  });
});

describe('delivery wording', () => {
  it('says where each method shows the alert', () => {
    expect(methodHint('websocket')).toBe('Shown on your open dashboards');
    expect(methodHint('email')).toBe('Also shown on your open dashboards');
  });

  it('asks for a missing target, names a set one, and otherwise waits or stays general', () => {
    const none = { email: null, sns_target: null };
    expect(channelNote('email', none, { askTarget: true, checking: false })).toMatch(
      /^You have no email address for alerts yet/,
    );
    expect(channelNote('sns_target', none, { askTarget: true, checking: false })).toMatch(/^You have no SNS target/);
    expect(channelNote('email', { ...none, email: 'me@example.com' }, { askTarget: false, checking: false })).toBe(
      'Sent to me@example.com',
    );
    expect(channelNote('email', null, { askTarget: false, checking: true })).toBe(
      'Checking your notification channels…',
    );
    expect(channelNote('sns_target', null, { askTarget: false, checking: false })).toBe(
      'Sent to an SNS phone number or topic in your notification channels',
    );
  });

  it('gives each target input its own kind and test id', () => {
    expect(channelInput('email')).toMatchObject({ testId: 'alert-email', type: 'email', label: 'Email address' });
    expect(channelInput('sns_target')).toMatchObject({ testId: 'alert-sns-target', type: 'text' });
  });

  it('labels the submit button by what it does', () => {
    expect(submitLabel({ busy: false, editing: false })).toBe('Create alert');
    expect(submitLabel({ busy: false, editing: true })).toBe('Save');
    expect(submitLabel({ busy: true, editing: true })).toBe('Saving…');
  });
});

describe('summaryLine', () => {
  it('names the field of an error shown apart, or leaves a whole-alert error as it is', () => {
    expect(summaryLine('enabled', 'cannot be set')).toBe('Enabled: cannot be set');
    expect(summaryLine('condition.std_dev', 'too big')).toBe('Standard deviations: too big');
    expect(summaryLine('weird.path', 'odd')).toBe('weird.path: odd');
    expect(summaryLine('', 'too many alerts')).toBe('too many alerts');
  });

  it('has a label for every field the form can show', () => {
    const paths = [
      ...visibleFields({ condition_type: 'indicator', indicator: 'macd' }),
      ...visibleFields({ condition_type: 'indicator', indicator: 'bollinger' }),
      ...visibleFields({ condition_type: 'fundamental', indicator: 'rsi' }),
      ...visibleFields({ condition_type: 'price_threshold', indicator: 'rsi' }),
      ...visibleFields({ condition_type: 'price_move', indicator: 'rsi' }),
      ...visibleFields({ condition_type: 'price_channel', indicator: 'rsi' }),
      'email',
      'sns_target',
    ];
    for (const path of paths) expect(PATH_LABELS[path], path).toBeTruthy();
  });
});
