import { REGISTRY_SLACK_SECONDS } from '../store/ticks-repository.js';
import type { OnDemandPrices } from '../usage/prices.js';
import {
  SESSION_SECONDS,
  TRADING_DAYS_PER_MONTH,
  intradayIntensity,
  logUniformRates,
  secondsItemsPerTrade,
  type RateClass,
  type RateClassName,
} from './trading-day.js';

/**
 * From what `npm run bench:cost` measured on a few replayed minutes to a month of a whole scenario: the measured
 * units per stored item, times the items a scenario stores by the model that fits the measurement, integrated over
 * the scenario's rate distribution and the intraday curve. Pure, so the arithmetic is tested apart from the replay.
 */

/** What one stored item of `realtime_ticks` stands for: a trade (TICK_STORE=trades) or a symbol's traded second. */
export type ItemModel = 'trade' | 'second';

export function modelItemsPerTrade(model: ItemModel, perSecond: number, tradesPerPrint: number): number {
  return model === 'trade' ? 1 : secondsItemsPerTrade(perSecond, tradesPerPrint);
}

/** One rate class of the replay, as measured. */
export interface ClassMeasurement {
  rateClass: RateClassName;
  trades: number;
  /** Distinct (symbol, second) pairs with trades: what TICK_STORE=seconds stores at most. */
  tradedSeconds: number;
  /** Write units of the ticks' own items (the symbol registry's apart). */
  itemUnits: number;
}

export interface ModelFit {
  model: ItemModel;
  /** Measured units per item the model predicts: 1 where each item is one write unit and the model holds. */
  unitsPerItem: Record<RateClassName, number>;
  /** Σ |ln unitsPerItem|: 0 for a perfect fit. */
  misfit: number;
}

/**
 * The item model under which the measured units come closest to one unit per item across the classes. A store mode
 * is projected by the model its own measurement fits, not by its name: a build without TICK_STORE stores every trade
 * in either mode, and is projected so.
 */
export function fitItemModel(measured: readonly ClassMeasurement[]): ModelFit {
  const fits = (['second', 'trade'] as const).map((model): ModelFit => {
    const unitsPerItem = Object.fromEntries(
      measured.map((m) => [m.rateClass, m.itemUnits / (model === 'trade' ? m.trades : m.tradedSeconds)]),
    ) as Record<RateClassName, number>;
    const misfit = Object.values(unitsPerItem).reduce((sum, k) => sum + Math.abs(Math.log(k)), 0);
    return { model, unitsPerItem, misfit };
  });
  return fits[0]!.misfit <= fits[1]!.misfit ? fits[0]! : fits[1]!;
}

export interface ScenarioClass extends RateClass {
  /** The replayed class whose measured units per item this class is charged at. */
  calibratedBy: RateClassName;
}

export interface Scenario {
  key: string;
  title: string;
  classes: ScenarioClass[];
  /** No intraday curve: a flat rate all session (the simulator's). */
  flat: boolean;
  /** Symbols on dashboards' charts, the most active first. */
  watched: number;
}

/** Chart loads a day per watched symbol: one of a day's 1-minute candles after the day's restart, then 1-second ones. */
export const CHART_LOADS = { coldDayPerSymbol: 1, lastMinutesPerSymbol: 20, lastMinutesSeconds: 300 } as const;

export const SCENARIOS: Scenario[] = [
  {
    key: 'a',
    title: "seed's MVP: the simulator's defaults, 8 symbols at 8 trades/s in all, flat through the session",
    classes: [
      { name: 'liquid', symbols: 8, minPerSecond: 1, maxPerSecond: 1, tradesPerPrint: 1, calibratedBy: 'liquid' },
    ],
    flat: true,
    watched: 8,
  },
  {
    key: 'b',
    title: 'a watchlist of 50 liquid names, 10–70 trades/s each (log-uniform), intraday U',
    classes: [
      { name: 'liquid', symbols: 50, minPerSecond: 10, maxPerSecond: 70, tradesPerPrint: 1, calibratedBy: 'liquid' },
    ],
    flat: false,
    watched: 50,
  },
  {
    key: 'c',
    title: 'the whole US market, ~2,000 trades/s on average, intraday U',
    classes: [
      { name: 'hot', symbols: 4, minPerSecond: 100, maxPerSecond: 400, tradesPerPrint: 1.5, calibratedBy: 'hot' },
      { name: 'liquid', symbols: 25, minPerSecond: 10, maxPerSecond: 70, tradesPerPrint: 1, calibratedBy: 'liquid' },
      {
        name: 'tail',
        symbols: 8000,
        minPerSecond: 1 / 60,
        maxPerSecond: 6 / 60,
        tradesPerPrint: 1,
        calibratedBy: 'tail',
      },
    ],
    flat: false,
    watched: 50,
  },
];

const MINUTES = SESSION_SECONDS / 60;

interface SymbolDay {
  rateClass: ScenarioClass;
  perSecond: number;
  trades: number;
  items: number;
}

/** Every symbol of the scenario over one session: trades, and items under `model`, minute by minute. */
function symbolDays(scenario: Scenario, model: ItemModel): SymbolDay[] {
  return scenario.classes.flatMap((rateClass) =>
    logUniformRates(rateClass.symbols, rateClass.minPerSecond, rateClass.maxPerSecond).map((perSecond) => {
      let trades = 0;
      let items = 0;
      for (let minute = 0; minute < MINUTES; minute++) {
        const rate = perSecond * (scenario.flat ? 1 : intradayIntensity((minute + 0.5) * 60));
        trades += rate * 60;
        items += rate * 60 * modelItemsPerTrade(model, rate, rateClass.tradesPerPrint);
      }
      return { rateClass, perSecond, trades, items };
    }),
  );
}

export interface Calibration {
  fit: ModelFit;
  /** Write units per registration of a symbol in the registry (1 where each UpdateItem is one unit). */
  registryUnitsPerRegistration: number;
  /** Read units per stored item a chart load reads (half a unit per 4 KB, eventually consistent). */
  readUnitsPerItem: number;
  /** Bytes per stored item as the store reports them, without AWS's 100 bytes of per-item overhead. */
  bytesPerItem: number | undefined;
}

/** What AWS adds to each item's size for storage billing. */
export const STORAGE_OVERHEAD_BYTES = 100;
/** A symbol trading all session is registered once per REGISTRY_SLACK_SECONDS of it, and once at its first trade. */
export const REGISTRATIONS_PER_SYMBOL_DAY = Math.ceil(SESSION_SECONDS / REGISTRY_SLACK_SECONDS);

export interface MonthProjection {
  symbols: number;
  tradesPerSecond: number;
  tradesPerMonth: number;
  itemsPerMonth: number;
  writeUnits: number;
  readUnits: number;
  /** GB held: one day of items (TTL 24 h; more while AWS's TTL deletion lags, up to 48 h). */
  storageGb: number | undefined;
}

export function projectMonth(scenario: Scenario, calibration: Calibration): MonthProjection {
  const days = symbolDays(scenario, calibration.fit.model);
  const sum = (f: (d: SymbolDay) => number) => days.reduce((s, d) => s + f(d), 0);
  const trades = sum((d) => d.trades);
  const items = sum((d) => d.items);
  const itemUnits = sum((d) => d.items * calibration.fit.unitsPerItem[d.rateClass.calibratedBy]);
  const registryUnits = days.length * REGISTRATIONS_PER_SYMBOL_DAY * calibration.registryUnitsPerRegistration;
  const watched = [...days].sort((a, b) => b.perSecond - a.perSecond).slice(0, scenario.watched);
  const itemsRead = watched.reduce(
    (s, d) =>
      s +
      d.items * CHART_LOADS.coldDayPerSymbol +
      ((d.items * CHART_LOADS.lastMinutesSeconds) / SESSION_SECONDS) * CHART_LOADS.lastMinutesPerSymbol,
    0,
  );
  const heldBytes =
    calibration.bytesPerItem === undefined ? undefined : items * (calibration.bytesPerItem + STORAGE_OVERHEAD_BYTES);
  return {
    symbols: days.length,
    tradesPerSecond: trades / SESSION_SECONDS,
    tradesPerMonth: trades * TRADING_DAYS_PER_MONTH,
    itemsPerMonth: items * TRADING_DAYS_PER_MONTH,
    writeUnits: (itemUnits + registryUnits) * TRADING_DAYS_PER_MONTH,
    readUnits: itemsRead * calibration.readUnitsPerItem * TRADING_DAYS_PER_MONTH,
    storageGb: heldBytes === undefined ? undefined : heldBytes / 1024 ** 3,
  };
}

export function monthlyUsd(
  units: { writeUnits: number; readUnits: number; storageGb?: number | undefined },
  prices: OnDemandPrices,
): number {
  return (
    (units.writeUnits * prices.writePerMillion) / 1e6 +
    (units.readUnits * prices.readPerMillion) / 1e6 +
    (units.storageGb ?? 0) * prices.storagePerGbMonth
  );
}

/** The seed's cost estimate table (its "Cost Estimation" section), as it stands. */
export const SEED_ESTIMATE = [
  { table: 'alert_configurations', writeUnits: 10_000, readUnits: 100_000, storageGb: 1 / 1024, usd: '$2-5' },
  { table: 'realtime_ticks', writeUnits: 1_000_000, readUnits: 500_000, storageGb: 500 / 1024, usd: '$10-15' },
  { table: 'alert_notifications_history', writeUnits: 50_000, readUnits: 20_000, storageGb: 10 / 1024, usd: '$3-5' },
] as const;
export const SEED_TOTAL_USD = '$15-25';
