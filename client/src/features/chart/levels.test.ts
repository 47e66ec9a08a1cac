import { describe, expect, it } from 'vitest';
import type { Alert } from '@tickwatch/shared';
import { alertLevels, levelPatch, splitLevels, type AlertLevel } from './levels';
import { STORED_ALERT } from './alert-fixture';

function priceAlert(operator: '>' | '<=' | 'crosses_below', threshold: number, id = 'a1'): Alert {
  return {
    ...STORED_ALERT,
    alert_id: id,
    condition_type: 'price_threshold',
    condition: { operator, threshold, price_type: 'close' },
  };
}

describe('alertLevels', () => {
  it('draws one line per price-threshold alert, worded as the alert list words it, lowest first', () => {
    const levels = alertLevels([
      priceAlert('>', 200),
      priceAlert('crosses_below', 180.5, 'a2'),
      priceAlert('>', 200, 'a3'),
    ]);
    expect(levels).toEqual([
      { key: 'a2', alertId: 'a2', field: 'threshold', value: 180.5, label: 'AAPL last price crosses below 180.50' },
      { key: 'a1', alertId: 'a1', field: 'threshold', value: 200, label: 'AAPL last price above 200.00' },
      { key: 'a3', alertId: 'a3', field: 'threshold', value: 200, label: 'AAPL last price above 200.00' },
    ]);
  });

  it('skips indicator and fundamental alerts', () => {
    const rsi: Alert = {
      ...STORED_ALERT,
      condition_type: 'indicator',
      condition: { indicator: 'rsi', interval: '1m', operator: '>', threshold: 70 },
    };
    const pe: Alert = {
      ...STORED_ALERT,
      condition_type: 'fundamental',
      condition: { metric: 'pe_ratio', operator: '<', threshold: 15 },
    };
    expect(alertLevels([rsi, pe])).toEqual([]);
  });

  it('draws both bounds of a price channel, each its own field, and skips price moves', () => {
    const channel: Alert = {
      ...STORED_ALERT,
      alert_id: 'c1',
      condition_type: 'price_channel',
      condition: { event: 'enters', lower: 195, upper: 200 },
    };
    const move: Alert = {
      ...STORED_ALERT,
      condition_type: 'price_move',
      condition: { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 },
    };
    expect(alertLevels([channel, move])).toEqual([
      {
        key: 'c1-lower',
        alertId: 'c1',
        field: 'lower',
        value: 195,
        label: 'AAPL enters 195.00–200.00 (lower bound)',
      },
      {
        key: 'c1-upper',
        alertId: 'c1',
        field: 'upper',
        value: 200,
        label: 'AAPL enters 195.00–200.00 (upper bound)',
      },
    ]);
  });
});

describe('levelPatch', () => {
  it('changes only the number the line stands for', () => {
    const [threshold] = alertLevels([priceAlert('>', 200)]);
    expect(levelPatch(threshold!, 201.5)).toEqual({ condition: { threshold: 201.5 } });
    const lower = { key: 'c1-lower', alertId: 'c1', field: 'lower', value: 195, label: '' } as const;
    expect(levelPatch(lower, 194)).toEqual({ condition: { lower: 194 } });
  });
});

describe('splitLevels', () => {
  const level = (value: number): AlertLevel => ({
    key: String(value),
    alertId: String(value),
    field: 'threshold',
    value,
    label: String(value),
  });

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
