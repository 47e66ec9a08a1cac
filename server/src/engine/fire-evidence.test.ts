import { describe, expect, it } from 'vitest';
import { ALERT_OPTION_DEFAULTS, MAX_STORABLE_NUMBER, type ConditionSpec, type Tick } from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import { fireEvidence } from './fire-evidence.js';

const tick: Tick = { symbol: 'AAPL', timestamp: 1_768_489_200_250, price: 205.5, volume: 10, source: 'http_ingest' };

function item(spec: ConditionSpec): AlertItem {
  return {
    ...ALERT_OPTION_DEFAULTS,
    ...spec,
    symbol: 'AAPL',
    alert_id: 'a1',
    user_id: 'u1',
    created_at: 1,
    updated_at: 1,
    last_triggered: null,
    trigger_count: 0,
    armed: true,
    version: 1,
    last_fired_ms: null,
  } as AlertItem;
}

describe('fireEvidence', () => {
  it('keeps the tick, the crossing from before to after the level, and the condition as worded', () => {
    const alert = item({
      condition_type: 'price_threshold',
      condition: { operator: 'crosses_above', threshold: 200, price_type: 'close' },
    });
    expect(fireEvidence(alert, { tick, value: 205.5, level: 200, before: 199 }, undefined)).toEqual({
      tick: { price: 205.5, timestamp: tick.timestamp },
      value: 205.5,
      level: 200,
      before: 199,
      condition: 'AAPL last price crosses above 200.00',
    });
  });

  it('names a move’s reference price instead of showing it as the value the move came from', () => {
    const alert = item({
      condition_type: 'price_move',
      condition: { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 },
    });
    const evidence = fireEvidence(alert, { tick, value: 2.75, level: 2, before: 200 }, undefined);
    expect(evidence).toMatchObject({ value: 2.75, level: 2, before: null, values: { reference: 200 } });
    expect(evidence.condition).toBe('AAPL moves up 2% within 15 min');
  });

  it('has no value before a level fire', () => {
    const alert = item({
      condition_type: 'price_threshold',
      condition: { operator: '>', threshold: 200, price_type: 'high' },
    });
    const evidence = fireEvidence(alert, { tick, value: 206, level: 200, before: null }, undefined);
    expect(evidence.before).toBeNull();
    expect(evidence.condition).toBe('AAPL day high above 200.00');
    expect(evidence.values).toBeUndefined();
  });

  it('names the indicator: the compared value when it has a threshold, the level when the price is compared', () => {
    const rsi = item({
      condition_type: 'indicator',
      condition: { indicator: 'rsi', interval: '5m', operator: '>', threshold: 70 },
    });
    expect(fireEvidence(rsi, { tick, value: 71.5, level: 70, before: null }, undefined).values).toEqual({
      indicator: 71.5,
    });
    const band = item({
      condition_type: 'indicator',
      condition: { indicator: 'bollinger', interval: '1m', operator: 'crosses_above', band: 'upper' },
    });
    const evidence = fireEvidence(band, { tick, value: 205.5, level: 204.75, before: 204 }, undefined);
    expect(evidence.values).toEqual({ indicator: 204.75 });
    expect(evidence.condition).toBe('AAPL last price crosses above the Bollinger upper band(20, 2, 1m)');
  });

  it('keeps a metric with the fundamental it was computed from', () => {
    const fundamentals = { eps_ttm: 6.1, shares_outstanding: 15.2e9, annual_dividend: 0.96 };
    const pe = item({ condition_type: 'fundamental', condition: { metric: 'pe_ratio', operator: '>', threshold: 30 } });
    expect(fireEvidence(pe, { tick, value: 205.5 / 6.1, level: 30, before: null }, fundamentals).values).toEqual({
      metric: 205.5 / 6.1,
      eps_ttm: 6.1,
    });
    const cap = item({
      condition_type: 'fundamental',
      condition: { metric: 'market_cap', operator: '>', threshold: 1e12 },
    });
    expect(fireEvidence(cap, { tick, value: 205.5 * 15.2e9, level: 1e12, before: null }, fundamentals).values).toEqual({
      metric: 205.5 * 15.2e9,
      shares_outstanding: 15.2e9,
    });
    const dividend = item({
      condition_type: 'fundamental',
      condition: { metric: 'dividend_yield', operator: '<', threshold: 1 },
    });
    expect(fireEvidence(dividend, { tick, value: 0.5, level: 1, before: null }, undefined).values).toEqual({
      metric: 0.5,
    });
  });

  it('writes a metric beyond what the store holds as the nearest number it does', () => {
    const cap = item({
      condition_type: 'fundamental',
      condition: { metric: 'market_cap', operator: '>', threshold: 1e15 },
    });
    const evidence = fireEvidence(cap, { tick, value: 1e22, level: 1e15, before: 1e-140 }, undefined);
    expect(evidence.value).toBe(MAX_STORABLE_NUMBER);
    expect(evidence.values).toEqual({ metric: MAX_STORABLE_NUMBER });
    expect(evidence.before).toBe(0);
  });
});
