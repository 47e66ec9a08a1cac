import { describe, expect, it } from 'vitest';
import { ALERT_OPTION_DEFAULTS, type Alert } from '@tickwatch/shared';
import { alertLevels, splitLevels, type AlertLevel } from './levels';

const base = {
  alert_id: 'a1',
  user_id: 'alice',
  symbol: 'AAPL',
  ...ALERT_OPTION_DEFAULTS,
  created_at: 1,
  updated_at: 1,
  last_triggered: null,
  trigger_count: 0,
  state: 'armed',
  status_note: null,
  blind_since: null,
} as const;

function priceAlert(operator: '>' | '<=' | 'crosses_below', threshold: number, id = 'a1'): Alert {
  return {
    ...base,
    alert_id: id,
    condition_type: 'price_threshold',
    condition: { operator, threshold, price_type: 'close' },
  };
}

describe('alertLevels', () => {
  it('labels price-threshold levels with their operator, lowest first', () => {
    const levels = alertLevels([priceAlert('>', 200), priceAlert('crosses_below', 180.5, 'a2')]);
    expect(levels).toEqual([
      { key: 'crosses below 180.50', value: 180.5, label: 'crosses below 180.50' },
      { key: 'above 200.00', value: 200, label: 'above 200.00' },
    ]);
  });

  it('skips indicator and fundamental alerts', () => {
    const rsi: Alert = {
      ...base,
      condition_type: 'indicator',
      condition: { indicator: 'rsi', interval: '1m', operator: '>', threshold: 70 },
    };
    const pe: Alert = {
      ...base,
      condition_type: 'fundamental',
      condition: { metric: 'pe_ratio', operator: '<', threshold: 15 },
    };
    expect(alertLevels([rsi, pe])).toEqual([]);
  });

  it('draws both bounds of a price channel, once per event and channel, and skips price moves', () => {
    const channel = (alert_id: string, event: 'enters' | 'exits'): Alert => ({
      ...base,
      alert_id,
      condition_type: 'price_channel',
      condition: { event, lower: 195, upper: 200 },
    });
    const move: Alert = {
      ...base,
      condition_type: 'price_move',
      condition: { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 },
    };
    expect(alertLevels([channel('c1', 'enters'), channel('c2', 'enters'), channel('c3', 'exits'), move])).toEqual([
      { key: 'enters 195.00–200.00 (lower bound)', value: 195, label: 'enters 195.00–200.00 (lower bound)' },
      { key: 'exits 195.00–200.00 (lower bound)', value: 195, label: 'exits 195.00–200.00 (lower bound)' },
      { key: 'enters 195.00–200.00 (upper bound)', value: 200, label: 'enters 195.00–200.00 (upper bound)' },
      { key: 'exits 195.00–200.00 (upper bound)', value: 200, label: 'exits 195.00–200.00 (upper bound)' },
    ]);
  });

  it('draws one line for alerts on the same operator and level', () => {
    expect(alertLevels([priceAlert('>', 200), priceAlert('>', 200, 'a2'), priceAlert('<=', 200, 'a3')])).toHaveLength(
      2,
    );
  });
});

describe('splitLevels', () => {
  const level = (value: number): AlertLevel => ({ key: String(value), value, label: String(value) });

  it('keeps levels near the prices shown and sets far ones aside', () => {
    const { near, far } = splitLevels([level(50), level(195), level(212), level(400)], 200, 210);
    expect(near.map((l) => l.value)).toEqual([195, 212]);
    expect(far.map((l) => l.value)).toEqual([50, 400]);
  });

  it('allows 2 % of the price around a flat range', () => {
    const { near, far } = splitLevels([level(97), level(101.5), level(103)], 100, 100);
    expect(near.map((l) => l.value)).toEqual([101.5]);
    expect(far.map((l) => l.value)).toEqual([97, 103]);
  });
});
