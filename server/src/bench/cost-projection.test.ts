import { describe, expect, it } from 'vitest';
import { ON_DEMAND_PRICES } from '../usage/prices.js';
import {
  REGISTRATIONS_PER_SYMBOL_DAY,
  SCENARIOS,
  STORAGE_OVERHEAD_BYTES,
  fitItemModel,
  monthlyUsd,
  projectMonth,
  type Calibration,
  type ClassMeasurement,
  type Scenario,
} from './cost-projection.js';
import { SESSION_SECONDS, TRADING_DAYS_PER_MONTH } from './trading-day.js';

const measured = (units: (m: Omit<ClassMeasurement, 'itemUnits'>) => number): ClassMeasurement[] =>
  [
    { rateClass: 'hot' as const, trades: 90_000, tradedSeconds: 180 },
    { rateClass: 'liquid' as const, trades: 40_000, tradedSeconds: 1_400 },
    { rateClass: 'tail' as const, trades: 900, tradedSeconds: 880 },
  ].map((m) => ({ ...m, itemUnits: units(m) }));

describe('fitItemModel', () => {
  it('recognises one write per traded second', () => {
    const fit = fitItemModel(measured((m) => m.tradedSeconds * 1.01));
    expect(fit.model).toBe('second');
    expect(fit.unitsPerItem.hot).toBeCloseTo(1.01, 6);
  });

  it('recognises one write per trade, whatever the mode was called', () => {
    const fit = fitItemModel(measured((m) => m.trades));
    expect(fit.model).toBe('trade');
    expect(fit.unitsPerItem).toEqual({ hot: 1, liquid: 1, tail: 1 });
  });
});

describe('projectMonth', () => {
  const calibration = (model: 'trade' | 'second'): Calibration => ({
    fit: { model, unitsPerItem: { hot: 1, liquid: 1, tail: 1 }, misfit: 0 },
    registryUnitsPerRegistration: 1,
    readUnitsPerItem: 0.01,
    bytesPerItem: 50,
  });
  const flat: Scenario = {
    key: 't',
    title: 'two symbols at 2 trades/s',
    classes: [
      { name: 'liquid', symbols: 2, minPerSecond: 2, maxPerSecond: 2, tradesPerPrint: 1, calibratedBy: 'liquid' },
    ],
    flat: true,
    watched: 1,
  };

  it('charges one unit per trade, plus the registry, over 21 sessions of 6.5 h', () => {
    const month = projectMonth(flat, calibration('trade'));
    const trades = 2 * 2 * SESSION_SECONDS * TRADING_DAYS_PER_MONTH;
    expect(month.tradesPerMonth).toBeCloseTo(trades, 3);
    expect(month.writeUnits).toBeCloseTo(trades + 2 * REGISTRATIONS_PER_SYMBOL_DAY * TRADING_DAYS_PER_MONTH, 3);
    expect(month.storageGb! * 1024 ** 3).toBeCloseTo(
      (trades / TRADING_DAYS_PER_MONTH) * (50 + STORAGE_OVERHEAD_BYTES),
      0,
    );
  });

  it('charges a traded second once, however many trades it held', () => {
    const month = projectMonth(flat, calibration('second'));
    const seconds = 2 * SESSION_SECONDS * (1 - Math.exp(-2)) * TRADING_DAYS_PER_MONTH;
    expect(month.itemsPerMonth).toBeCloseTo(seconds, 3);
    // One cold day of the watched symbol and 20 loads of its last five minutes, every day.
    const readItems = seconds / 2 + ((seconds / 2) * 300 * 20) / SESSION_SECONDS;
    expect(month.readUnits).toBeCloseTo(readItems * 0.01, 3);
  });

  it('makes the whole-market scenario about 2,000 trades a second', () => {
    const market = projectMonth(
      SCENARIOS.find((s) => s.key === 'c')!,
      calibration('trade'),
    );
    expect(market.tradesPerSecond).toBeGreaterThan(1_800);
    expect(market.tradesPerSecond).toBeLessThan(2_200);
  });
});

describe('monthlyUsd', () => {
  it('prices units and storage at the rates of the region', () => {
    const prices = ON_DEMAND_PRICES['us-east-1']!;
    expect(monthlyUsd({ writeUnits: 2e6, readUnits: 4e6, storageGb: 2 }, prices)).toBeCloseTo(
      2 * prices.writePerMillion + 4 * prices.readPerMillion + 2 * prices.storagePerGbMonth,
      10,
    );
  });
});
