import { describe, it, expect } from 'vitest';
import type { ConditionSpec, IndicatorCondition } from './alerts.js';
import {
  CHANNEL_EVENT_LABELS,
  CONDITION_TYPE_LABELS,
  DELIVERY_STATUS_LABELS,
  INDICATOR_LABELS,
  METHOD_LABELS,
  METRIC_LABELS,
  MOVE_DIRECTION_LABELS,
  OPERATOR_LABELS,
  PRICE_TYPE_LABELS,
  TRIGGER_MODE_HINTS,
  TRIGGER_MODE_LABELS,
  describeCondition,
  describeFire,
  describeRule,
  formatNumber,
} from './wording.js';

type Described = ConditionSpec & { symbol: string };

const price = (condition: Extract<ConditionSpec, { condition_type: 'price_threshold' }>['condition']): Described => ({
  symbol: 'AAPL',
  condition_type: 'price_threshold',
  condition,
});
const indicator = (condition: IndicatorCondition): Described => ({
  symbol: 'AAPL',
  condition_type: 'indicator',
  condition,
});
const fundamental = (condition: Extract<ConditionSpec, { condition_type: 'fundamental' }>['condition']): Described => ({
  symbol: 'AAPL',
  condition_type: 'fundamental',
  condition,
});

describe('formatNumber', () => {
  it.each([
    [205.5, '205.50'],
    [200, '200.00'],
    [0, '0.00'],
    [0.1234, '0.1234'],
    [0.5, '0.50'],
    [-0.25, '-0.25'],
    [207.125, '207.125'],
    [0.12345, '0.1235'],
    [-0.000001, '0.00'],
    [1, '1.00'],
    [999_999.99, '999999.99'],
    [1_000_000, '1.00M'],
    [2_750_000, '2.75M'],
    [-3_500_000, '-3.50M'],
    [1e9, '1.00B'],
    [3.05e12, '3050.00B'],
  ])('writes %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('describeCondition', () => {
  it.each([
    [price({ operator: 'crosses_above', threshold: 200, price_type: 'close' }), 'AAPL last price crosses above 200.00'],
    [
      price({ operator: 'crosses_below', threshold: 150.5, price_type: 'close' }),
      'AAPL last price crosses below 150.50',
    ],
    [price({ operator: '>', threshold: 200, price_type: 'high' }), 'AAPL day high above 200.00'],
    [price({ operator: '>=', threshold: 200, price_type: 'open' }), 'AAPL open at or above 200.00'],
    [price({ operator: '<', threshold: 180, price_type: 'low' }), 'AAPL day low below 180.00'],
    [price({ operator: '<=', threshold: 0.5, price_type: 'close' }), 'AAPL last price at or below 0.50'],
  ])('describes a price threshold: %j', (alert, text) => {
    expect(describeCondition(alert)).toBe(text);
  });

  it.each([
    [
      indicator({ indicator: 'sma', interval: '1m', period: 50, operator: 'crosses_above' }),
      'AAPL last price crosses above its SMA(50, 1m)',
    ],
    [indicator({ indicator: 'sma', interval: '5m', operator: '>', threshold: 150 }), 'AAPL SMA(20, 5m) above 150.00'],
    [
      indicator({ indicator: 'ema', interval: '15m', period: 9, operator: 'crosses_below' }),
      'AAPL last price crosses below its EMA(9, 15m)',
    ],
    [indicator({ indicator: 'rsi', interval: '5m', operator: '<', threshold: 30 }), 'AAPL RSI(14, 5m) below 30.00'],
    [
      indicator({ indicator: 'rsi', interval: '1h', period: 7, operator: '>=', threshold: 70 }),
      'AAPL RSI(7, 1h) at or above 70.00',
    ],
    [
      indicator({ indicator: 'macd', interval: '1d', operator: 'crosses_above' }),
      'AAPL MACD(12, 26, 9, 1d) histogram crosses above 0.00',
    ],
    [
      indicator({
        indicator: 'macd',
        interval: '5m',
        period: 30,
        fast_period: 10,
        signal_period: 5,
        operator: '>',
        threshold: 0.5,
      }),
      'AAPL MACD(10, 30, 5, 5m) histogram above 0.50',
    ],
    [
      indicator({ indicator: 'bollinger', interval: '5m', band: 'lower', operator: 'crosses_below' }),
      'AAPL last price crosses below the Bollinger lower band(20, 2, 5m)',
    ],
    [
      indicator({ indicator: 'bollinger', interval: '1h', band: 'upper', period: 10, std_dev: 2.5, operator: '>' }),
      'AAPL last price above the Bollinger upper band(10, 2.5, 1h)',
    ],
    [indicator({ indicator: 'vwap', interval: '1m', operator: '<' }), 'AAPL last price below its VWAP(1m)'],
    [
      indicator({ indicator: 'vwap', interval: '5m', operator: '<=', threshold: 101.25 }),
      'AAPL VWAP(5m) at or below 101.25',
    ],
  ])('describes an indicator condition: %j', (alert, text) => {
    expect(describeCondition(alert)).toBe(text);
  });

  it.each([
    [fundamental({ metric: 'pe_ratio', operator: '<', threshold: 15 }), 'AAPL P/E below 15.00'],
    [fundamental({ metric: 'market_cap', operator: '>', threshold: 3e12 }), 'AAPL market cap above 3000.00B'],
    [
      fundamental({ metric: 'market_cap', operator: 'crosses_above', threshold: 5e8 }),
      'AAPL market cap crosses above 500.00M',
    ],
    [
      fundamental({ metric: 'dividend_yield', operator: '>=', threshold: 2.5 }),
      'AAPL dividend yield at or above 2.50%',
    ],
  ])('describes a fundamental condition: %j', (alert, text) => {
    expect(describeCondition(alert)).toBe(text);
  });

  it('names the symbol it is given', () => {
    expect(describeCondition({ ...price({ operator: '>', threshold: 1, price_type: 'close' }), symbol: 'BRK.B' })).toBe(
      'BRK.B last price above 1.00',
    );
  });
});

describe('describeRule', () => {
  it.each([
    [price({ operator: '<', threshold: 134.99, price_type: 'close' }), 'last price below 134.99'],
    [indicator({ indicator: 'rsi', interval: '5m', operator: '<', threshold: 30 }), 'RSI(14, 5m) below 30.00'],
    [
      indicator({ indicator: 'bollinger', interval: '5m', band: 'lower', operator: 'crosses_below' }),
      'last price crosses below the Bollinger lower band(20, 2, 5m)',
    ],
    [fundamental({ metric: 'pe_ratio', operator: '<', threshold: 15 }), 'P/E below 15.00'],
  ])('states the condition without its symbol: %j', (alert, text) => {
    expect(describeRule(alert)).toBe(text);
    expect(describeCondition(alert)).toBe(`AAPL ${text}`);
  });
});

describe('option words', () => {
  // The alert form's selects share a ~380 px side panel two to a row: an option longer than this is cut off.
  const OPTION_MAX = 20;
  const tables = {
    CONDITION_TYPE_LABELS,
    METHOD_LABELS,
    TRIGGER_MODE_LABELS,
    PRICE_TYPE_LABELS,
    METRIC_LABELS,
    INDICATOR_LABELS,
    OPERATOR_LABELS,
  };

  it.each(Object.entries(tables))('keeps every %s option short enough for the side panel', (_name, table) => {
    for (const text of Object.values(table)) expect(text.length, text).toBeLessThanOrEqual(OPTION_MAX);
  });

  it('keeps the move and channel options short too (the form words a channel option "enters the channel")', () => {
    for (const { condition } of Object.values(MOVE_DIRECTION_LABELS))
      expect(condition.length).toBeLessThanOrEqual(OPTION_MAX);
    for (const { condition } of Object.values(CHANNEL_EVENT_LABELS))
      expect(`${condition} the channel`.length).toBeLessThanOrEqual(OPTION_MAX);
  });

  it('names the channels as a trader knows them, the same everywhere', () => {
    expect(METHOD_LABELS).toEqual({
      websocket: 'Dashboard',
      email: 'Email',
      sns: 'SMS / SNS topic',
      webhook: 'Webhook',
    });
    expect(new Set(Object.values(METHOD_LABELS)).size).toBe(4);
  });

  it('says where a delivery stands in words, and explains each trigger mode', () => {
    expect(DELIVERY_STATUS_LABELS).toEqual({ pending: 'sending', sent: 'sent', failed: 'failed' });
    expect(TRIGGER_MODE_LABELS.rearm).toBe('Every time');
    for (const hint of Object.values(TRIGGER_MODE_HINTS)) expect(hint).toBeTruthy();
  });
});

describe('describeFire', () => {
  it.each([
    [
      price({ operator: 'crosses_above', threshold: 200, price_type: 'close' }),
      { value: 205.5, level: 200, price: 205.5 },
      'AAPL last price 205.50 crossed above 200.00',
    ],
    [
      price({ operator: 'crosses_below', threshold: 200, price_type: 'close' }),
      { value: 199, level: 200, price: 199 },
      'AAPL last price 199.00 crossed below 200.00',
    ],
    [
      price({ operator: '>', threshold: 200, price_type: 'high' }),
      { value: 201, level: 200, price: 198 },
      'AAPL day high 201.00 is above 200.00',
    ],
    [
      price({ operator: '<=', threshold: 180, price_type: 'low' }),
      { value: 179.99, level: 180, price: 181 },
      'AAPL day low 179.99 is at or below 180.00',
    ],
    [
      price({ operator: '>=', threshold: 100, price_type: 'open' }),
      { value: 100, level: 100, price: 103 },
      'AAPL open 100.00 is at or above 100.00',
    ],
    [
      price({ operator: '<', threshold: 1, price_type: 'close' }),
      { value: 0.9876, level: 1, price: 0.9876 },
      'AAPL last price 0.9876 is below 1.00',
    ],
  ])('describes a price threshold fire: %j %j', (alert, reading, text) => {
    expect(describeFire(alert, reading)).toBe(text);
  });

  it.each([
    [
      indicator({ indicator: 'sma', interval: '1m', period: 3, operator: 'crosses_above' }),
      { value: 103, level: 101, price: 103 },
      'AAPL last price 103.00 crossed above the SMA(3, 1m) at 101.00',
    ],
    [
      indicator({ indicator: 'ema', interval: '5m', operator: '>', threshold: 150 }),
      { value: 150.25, level: 150, price: 152 },
      'AAPL EMA(20, 5m) 150.25 is above 150.00 (price 152.00)',
    ],
    [
      indicator({ indicator: 'rsi', interval: '5m', operator: '<', threshold: 30 }),
      { value: 25, level: 30, price: 180 },
      'AAPL RSI(14, 5m) 25.00 is below 30.00 (price 180.00)',
    ],
    [
      indicator({ indicator: 'macd', interval: '15m', operator: 'crosses_below' }),
      { value: -0.1234, level: 0, price: 99.5 },
      'AAPL MACD(12, 26, 9, 15m) histogram -0.1234 crossed below 0.00 (price 99.50)',
    ],
    [
      indicator({ indicator: 'bollinger', interval: '5m', band: 'upper', operator: 'crosses_above' }),
      { value: 210, level: 208.4, price: 210 },
      'AAPL last price 210.00 crossed above the Bollinger upper band(20, 2, 5m) at 208.40',
    ],
    [
      indicator({ indicator: 'vwap', interval: '1m', operator: '<=' }),
      { value: 99, level: 99.5, price: 99 },
      'AAPL last price 99.00 is at or below the VWAP(1m) at 99.50',
    ],
  ])('describes an indicator fire: %j %j', (alert, reading, text) => {
    expect(describeFire(alert, reading)).toBe(text);
  });

  it.each([
    [
      fundamental({ metric: 'pe_ratio', operator: '>', threshold: 25 }),
      { value: 30, level: 25, price: 183 },
      'AAPL P/E 30.00 is above 25.00 (price 183.00)',
    ],
    [
      fundamental({ metric: 'market_cap', operator: 'crosses_above', threshold: 3e12 }),
      { value: 3.01e12, level: 3e12, price: 198 },
      'AAPL market cap 3010.00B crossed above 3000.00B (price 198.00)',
    ],
    [
      fundamental({ metric: 'dividend_yield', operator: '>=', threshold: 2 }),
      { value: 2.5, level: 2, price: 40 },
      'AAPL dividend yield 2.50% is at or above 2.00% (price 40.00)',
    ],
  ])('describes a fundamental fire: %j %j', (alert, reading, text) => {
    expect(describeFire(alert, reading)).toBe(text);
  });
});

describe('moves and channels', () => {
  const move = (condition: Extract<ConditionSpec, { condition_type: 'price_move' }>['condition']): Described => ({
    symbol: 'AAPL',
    condition_type: 'price_move',
    condition,
  });
  const channel = (condition: Extract<ConditionSpec, { condition_type: 'price_channel' }>['condition']): Described => ({
    symbol: 'AAPL',
    condition_type: 'price_channel',
    condition,
  });

  it.each([
    [move({ direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 }), 'AAPL moves up 2% within 15 min'],
    [move({ direction: 'down', amount: 1.5, unit: 'price', window_minutes: 60 }), 'AAPL moves down 1.50 within 60 min'],
    [
      move({ direction: 'down', amount: 0.25, unit: 'percent', window_minutes: 1 }),
      'AAPL moves down 0.25% within 1 min',
    ],
    [channel({ event: 'enters', lower: 195, upper: 200 }), 'AAPL enters 195.00–200.00'],
    [channel({ event: 'exits', lower: 0.5, upper: 0.75 }), 'AAPL exits 0.50–0.75'],
  ])('describes %j', (alert, text) => {
    expect(describeCondition(alert)).toBe(text);
  });

  it.each([
    [
      move({ direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 }),
      { value: 2.5, level: 2, price: 199.875 },
      'AAPL moved up 2.50% within 15 min, from 195.00 to 199.875 (at least 2%)',
    ],
    [
      move({ direction: 'down', amount: 1.5, unit: 'price', window_minutes: 60 }),
      { value: 2, level: 1.5, price: 98 },
      'AAPL moved down 2.00 within 60 min, from 100.00 to 98.00 (at least 1.50)',
    ],
    [
      move({ direction: 'down', amount: 1, unit: 'percent', window_minutes: 5 }),
      { value: 4, level: 1, price: 96 },
      'AAPL moved down 4.00% within 5 min, from 100.00 to 96.00 (at least 1%)',
    ],
    [
      channel({ event: 'enters', lower: 195, upper: 200 }),
      { value: 196.2, level: 195, price: 196.2 },
      'AAPL last price 196.20 entered 195.00–200.00 through 195.00',
    ],
    [
      channel({ event: 'exits', lower: 195, upper: 200 }),
      { value: 210, level: 200, price: 210 },
      'AAPL last price 210.00 exited 195.00–200.00 through 200.00',
    ],
  ])('describes a fire of %j with %j', (alert, reading, text) => {
    expect(describeFire(alert, reading)).toBe(text);
  });
});
