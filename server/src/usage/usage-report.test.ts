import { describe, expect, it } from 'vitest';
import { MONTH_SECONDS, ON_DEMAND_PRICES } from './prices.js';
import { emptyUnits, type UsageWindow } from './usage-ledger.js';
import { resolvePrices, usageReport } from './usage-report.js';

const HOUR = 3_600_000;

function window(coveredMs: number, units: Partial<ReturnType<typeof emptyUnits>>): UsageWindow {
  return { from: 0, to: coveredMs, coveredMs, tables: { ...emptyUnits(), ...units } };
}

describe('resolvePrices', () => {
  it("takes the region's prices from the table, naming their source and date", () => {
    expect(resolvePrices({ region: 'us-east-1', overrides: {} })).toMatchObject({
      region: 'us-east-1',
      writePerMillion: 0.625,
      readPerMillion: 0.125,
      source: expect.stringContaining('aws.amazon.com'),
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      overridden: [],
    });
  });

  it('lets configuration replace single prices', () => {
    const prices = resolvePrices({ region: 'ca-west-1', overrides: { writePerMillion: 1 } });
    expect(prices).toMatchObject({ writePerMillion: 1, readPerMillion: ON_DEMAND_PRICES['ca-west-1']!.readPerMillion });
    expect(prices).toMatchObject({ overridden: ['writePerMillion'] });
  });

  it('prices a region missing from the table only when all three prices are configured', () => {
    expect(resolvePrices({ region: 'eu-west-3', overrides: { writePerMillion: 1 } })).toEqual({
      missing: expect.stringContaining('DYNAMODB_PRICE_PER_MILLION_READS'),
    });
    expect(
      resolvePrices({
        region: 'eu-west-3',
        overrides: { writePerMillion: 1, readPerMillion: 0.2, storagePerGbMonth: 0.3 },
      }),
    ).toMatchObject({ source: 'configured', asOf: null });
  });
});

describe('usageReport', () => {
  const prices = resolvePrices({ region: 'us-east-1', overrides: {} });

  it("carries each window's rate over a month at on-demand prices", () => {
    // One million writes and two million reads an hour.
    const lastHour = window(HOUR, { ticks: { read: 2e6, write: 1e6 } });
    const report = usageReport({
      scope: 'process',
      store: { mode: 'aws' },
      prices,
      lastHour,
      last24h: window(24 * HOUR, { ticks: { read: 2e6, write: 1e6 } }),
      sizes: { ticks: { bytes: 2 * 1024 ** 3, items: 10 } },
    });
    const hoursPerMonth = MONTH_SECONDS / 3600;
    expect(report.lastHour.tables.realtime_ticks).toEqual({
      readUnits: 2e6,
      writeUnits: 1e6,
      projectedMonthlyUsd: expect.closeTo((0.625 + 2 * 0.125) * hoursPerMonth, 4),
    });
    expect(report.last24h.total.projectedMonthlyUsd).toBeCloseTo(((0.625 + 2 * 0.125) * hoursPerMonth) / 24, 4);
    expect(report.lastHour.tables.alert_configurations).toEqual({
      readUnits: 0,
      writeUnits: 0,
      projectedMonthlyUsd: 0,
    });
    expect(report.storage).toEqual({
      tables: { realtime_ticks: { bytes: 2 * 1024 ** 3, items: 10 } },
      projectedMonthlyUsd: 0.5,
    });
  });

  it('projects from the covered part of a window, and says why there is no price', () => {
    const report = usageReport({
      scope: 'cluster',
      store: { mode: 'external' },
      prices: { missing: 'no prices for xx-east-9' },
      lastHour: window(HOUR / 2, { alerts: { read: 1, write: 3 } }),
      last24h: window(HOUR / 2, { alerts: { read: 1, write: 3 } }),
      sizes: {},
    });
    expect(report.prices).toBeNull();
    expect(report.pricesMissing).toBe('no prices for xx-east-9');
    expect(report.lastHour.coveredSeconds).toBe(1800);
    expect(report.lastHour.total).toEqual({ readUnits: 1, writeUnits: 3, projectedMonthlyUsd: null });
  });
});
