import type { UsagePrices, UsageReport, UsageUnits, UsageWindowReport } from '@tickwatch/shared';
import type { Config } from '../config.js';
import { TABLE_NAMES, type TableKey } from '../store/tables.js';
import { MONTH_SECONDS, ON_DEMAND_PRICES, PRICES_AS_OF, PRICES_SOURCE, type OnDemandPrices } from './prices.js';
import type { TableUnits, UsageWindow } from './usage-ledger.js';

const PRICE_FIELDS = ['writePerMillion', 'readPerMillion', 'storagePerGbMonth'] as const;
const GB = 1024 ** 3;

/** The region's table prices with the configured ones in their place; undefined when some price is still unknown. */
export function resolvePrices(pricing: Config['pricing']): UsagePrices | { missing: string } {
  const listed: Partial<OnDemandPrices> = ON_DEMAND_PRICES[pricing.region] ?? {};
  const merged = { ...listed, ...pricing.overrides };
  const unknown = PRICE_FIELDS.filter((field) => merged[field] === undefined);
  if (unknown.length > 0) {
    return {
      missing:
        `no on-demand prices for ${pricing.region} in the price table (${Object.keys(ON_DEMAND_PRICES).join(', ')}); ` +
        'set DYNAMODB_PRICE_REGION to one of those, or DYNAMODB_PRICE_PER_MILLION_WRITES, ' +
        'DYNAMODB_PRICE_PER_MILLION_READS and DYNAMODB_PRICE_PER_GB_MONTH',
    };
  }
  const overridden = PRICE_FIELDS.filter((field) => pricing.overrides[field] !== undefined);
  const configuredOnly = overridden.length === PRICE_FIELDS.length;
  return {
    region: pricing.region,
    writePerMillion: merged.writePerMillion!,
    readPerMillion: merged.readPerMillion!,
    storagePerGbMonth: merged.storagePerGbMonth!,
    source: configuredOnly ? 'configured' : PRICES_SOURCE,
    asOf: configuredOnly ? null : PRICES_AS_OF,
    overridden,
  };
}

export interface UsageInputs {
  scope: UsageReport['scope'];
  store: UsageReport['store'];
  prices: UsagePrices | { missing: string };
  lastHour: UsageWindow;
  last24h: UsageWindow;
  sizes: Partial<Record<TableKey, { bytes: number; items: number }>>;
}

/** The /api/usage answer: units per seed table over each window, and their monthly price at the window's rate. */
export function usageReport(inputs: UsageInputs): UsageReport {
  const prices = 'missing' in inputs.prices ? null : inputs.prices;
  const storage = Object.fromEntries(
    Object.entries(inputs.sizes).map(([key, size]) => [TABLE_NAMES[key as TableKey], size]),
  );
  const bytes = Object.values(inputs.sizes).reduce((sum, size) => sum + size.bytes, 0);
  return {
    scope: inputs.scope,
    store: inputs.store,
    prices,
    ...('missing' in inputs.prices ? { pricesMissing: inputs.prices.missing } : {}),
    lastHour: windowReport(inputs.lastHour, prices),
    last24h: windowReport(inputs.last24h, prices),
    storage: { tables: storage, projectedMonthlyUsd: prices ? round((bytes / GB) * prices.storagePerGbMonth) : null },
  };
}

function windowReport(window: UsageWindow, prices: UsagePrices | null): UsageWindowReport {
  const seconds = window.coveredMs / 1000;
  const units = (table: TableUnits): UsageUnits => ({
    readUnits: round(table.read),
    writeUnits: round(table.write),
    projectedMonthlyUsd:
      prices && seconds > 0
        ? round(
            ((table.read * prices.readPerMillion + table.write * prices.writePerMillion) / 1e6) *
              (MONTH_SECONDS / seconds),
          )
        : null,
  });
  const tables = Object.entries(window.tables) as [TableKey, TableUnits][];
  const total = tables.reduce((sum, [, t]) => ({ read: sum.read + t.read, write: sum.write + t.write }), {
    read: 0,
    write: 0,
  });
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    coveredSeconds: Math.round(seconds),
    tables: Object.fromEntries(tables.map(([key, t]) => [TABLE_NAMES[key], units(t)])),
    total: units(total),
  };
}

/** Units and dollars to 1e-6: read units come in halves, and a cent of a projection is noise already. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
