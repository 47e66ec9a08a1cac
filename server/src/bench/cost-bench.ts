import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Tick } from '@tickwatch/shared';
import { startDynamoDbLocal } from '../../../scripts/lib/dynamodb-local.mjs';
import { startBenchServer } from './bench-server.js';
import {
  CHART_LOADS,
  REGISTRATIONS_PER_SYMBOL_DAY,
  SCENARIOS,
  SEED_ESTIMATE,
  SEED_TOTAL_USD,
  STORAGE_OVERHEAD_BYTES,
  fitItemModel,
  monthlyUsd,
  projectMonth,
  type Calibration,
  type ClassMeasurement,
  type ModelFit,
  type Scenario,
} from './cost-projection.js';
import {
  SESSION_SECONDS,
  TRADING_DAYS_PER_MONTH,
  TradingDay,
  drawSymbols,
  expectedCounts,
  sampleWindows,
  type RateClass,
  type RateClassName,
  type SymbolRate,
} from './trading-day.js';
import { PersistenceFullError } from '../ingest/tick-pipeline.js';
import type { ConsumedUnits } from '../store/consumed-capacity.js';
import { tableSizes } from '../store/table-sizes.js';
import { REGISTRY_SLACK_SECONDS } from '../store/ticks-repository.js';
import { ON_DEMAND_PRICES, PRICES_AS_OF, PRICES_SOURCE } from '../usage/prices.js';

/**
 * `npm run bench:cost`: what DynamoDB charges for `realtime_ticks` under each TICK_STORE mode, measured, not computed.
 * Sampled windows of a modelled trading day (trading-day.ts: the first minutes after the open, a stretch at midday,
 * the last minutes before the close) go through the real pipeline (`app.pipeline.ingest`, one traded second per call,
 * as a feed delivers them) into the embedded store in this process (dynalite, as `npm start` runs it) and into
 * Amazon's DynamoDB Local, in both modes. The units are the CapacityMeter's (reported by the store for table writes),
 * taken class by class: each rate class is fed alone and the store left to go quiet before the next.
 *
 * Then the dashboard's chart loads, over HTTP as a signed-in user: a day of 1-minute candles (warm, from the minute
 * bars; and cold, the first load after a restart, which reads the symbol's stored day) and the last five minutes of
 * 1-second candles, for a hot and a tail symbol; their units are the Query units on `realtime_ticks`.
 *
 * The projection to a month (cost-projection.ts) uses DynamoDB Local's figures, whose units are all the store's own:
 * the measured units per stored item, times the items each scenario stores under the item model the measurement fits
 * (checked per class against the (1 − e^−μ)/λ formula), integrated over the scenario's rates and the intraday curve.
 *
 * BENCH_WINDOW_SECONDS (30) sets each window's length; BENCH_HOT, BENCH_LIQUID, BENCH_TAIL (2, 8, 150) the replayed
 * symbols of each class; BENCH_SEED the trading day's seed.
 */
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 30);
const SEED = process.env.BENCH_SEED ?? 'cost-bench';
const REPLAY_CLASSES: RateClass[] = [
  {
    name: 'hot',
    symbols: Number(process.env.BENCH_HOT ?? 2),
    minPerSecond: 150,
    maxPerSecond: 400,
    tradesPerPrint: 1.5,
  },
  {
    name: 'liquid',
    symbols: Number(process.env.BENCH_LIQUID ?? 8),
    minPerSecond: 10,
    maxPerSecond: 70,
    tradesPerPrint: 1,
  },
  {
    name: 'tail',
    symbols: Number(process.env.BENCH_TAIL ?? 150),
    minPerSecond: 1 / 60,
    maxPerSecond: 6 / 60,
    tradesPerPrint: 1,
  },
];
const CLASS_NAMES = REPLAY_CLASSES.map((c) => c.name);
const MODES = ['seconds', 'trades'] as const;
type Mode = (typeof MODES)[number];
const STORES = ['embedded', 'dynamodb-local'] as const;
type StoreKind = (typeof STORES)[number];
/**
 * A store is quiet once no unit has been consumed for this long: longer than TICK_STORE=seconds holds an open second
 * (its end plus a second's grace), so every second the replay opened has been written.
 */
const QUIET_MS = 2_500;
const QUEUE_CAPACITY = 200_000;
const DAY_MS = 86_400_000;

interface ClassResult extends ClassMeasurement {
  registryUnits: number;
  registrations: number;
  /** (1 − e^−μ)/λ summed over the class's symbols and windows, per expected trade: the formula, not the replay. */
  formulaItemsPerTrade: number;
}

interface ChartLoad {
  name: string;
  symbol: string;
  units: number;
  /** Items in the range under each model, from the replayed trades. */
  trades: number;
  tradedSeconds: number;
}

interface RunResult {
  store: StoreKind;
  mode: Mode;
  classes: ClassResult[];
  charts: ChartLoad[];
  bytesPerItem: number | undefined;
  seconds: number;
}

/** What the replay handed in per symbol: its trades and traded seconds, over the day and in its last minutes. */
interface SymbolCounts {
  trades: number;
  seconds: Set<number>;
  lastTrades: number;
  lastSeconds: Set<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ticksWrites(consumed: ConsumedUnits): 'registry' | 'items' | undefined {
  if (consumed.table !== 'ticks' || consumed.kind !== 'write') return undefined;
  // The symbol registry is the one UpdateItem on the ticks table; items go in BatchWriteItem calls.
  return consumed.operation === 'UpdateItem' ? 'registry' : 'items';
}

async function runOnce(
  store: StoreKind,
  mode: Mode,
  day: TradingDay,
  dayEndMs: number,
  root: string,
  endpoint: string | undefined,
): Promise<RunResult> {
  const started = performance.now();
  const dataDir = path.join(root, `${store}-${mode}`);
  const env: Record<string, string> = {
    TICK_STORE: mode,
    PERSIST_QUEUE_CAPACITY: String(QUEUE_CAPACITY),
    ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint, TABLE_PREFIX: `cost_${mode}_` } : {}),
  };
  const windows = sampleWindows(WINDOW_SECONDS);
  const lastFrom = dayEndMs - CHART_LOADS.lastMinutesSeconds * 1000;
  const counts = new Map<string, SymbolCounts>();
  const classes: ClassResult[] = [];
  let server = await startBenchServer(dataDir, env);
  await server.app.listen();
  try {
    let units = { items: 0, registry: 0 };
    let lastUnitAt = Date.now();
    const stopMeter = server.store.capacity.onConsumed((consumed) => {
      const kind = ticksWrites(consumed);
      if (!kind) return;
      units[kind] += consumed.units;
      lastUnitAt = Date.now();
    });
    for (const rateClass of REPLAY_CLASSES) {
      const symbols = day.symbols.filter((s) => s.rateClass === rateClass.name);
      units = { items: 0, registry: 0 };
      let trades = 0;
      const tradedSeconds = new Set<string>();
      const registrations = new Set<string>();
      let expected = { trades: 0, secondItems: 0 };
      for (const window of windows) {
        for (const symbol of symbols) {
          const e = expectedCounts(symbol, window);
          expected = { trades: expected.trades + e.trades, secondItems: expected.secondItems + e.secondItems };
        }
        for (let s = window.fromSecond; s < window.fromSecond + window.seconds; s++) {
          const ticks = day.tradesOfSecond(s, symbols);
          if (ticks.length === 0) continue;
          await ingest(server.app.pipeline, ticks);
          trades += ticks.length;
          for (const tick of ticks) {
            const second = Math.floor(tick.timestamp / 1000);
            tradedSeconds.add(`${tick.symbol}|${second}`);
            registrations.add(`${tick.symbol}|${window.name}`);
            count(counts, tick, second, tick.timestamp >= lastFrom);
          }
        }
      }
      await quiet(server.app.pipeline, () => lastUnitAt);
      classes.push({
        rateClass: rateClass.name,
        trades,
        tradedSeconds: tradedSeconds.size,
        itemUnits: units.items,
        registryUnits: units.registry,
        registrations: registrations.size,
        formulaItemsPerTrade: expected.secondItems / expected.trades,
      });
    }
    stopMeter();

    const hot = day.symbols.find((s) => s.rateClass === 'hot')!.symbol;
    const tail = busiest(
      day.symbols.filter((s) => s.rateClass === 'tail'),
      counts,
    );
    const charts: ChartLoad[] = [];
    const load = async (name: string, symbol: string, interval: '1m' | '1s', from: number, last: boolean) => {
      const c = counts.get(symbol)!;
      charts.push({
        name,
        symbol,
        units: await chartUnits(server, symbol, interval, from, dayEndMs),
        trades: last ? c.lastTrades : c.trades,
        tradedSeconds: (last ? c.lastSeconds : c.seconds).size,
      });
    };
    for (const symbol of [hot, tail]) {
      await load('1m × 1 d, warm (minute bars)', symbol, '1m', dayEndMs - DAY_MS, false);
      await load(`1s × last ${CHART_LOADS.lastMinutesSeconds / 60} min`, symbol, '1s', lastFrom, true);
    }
    const sizes = await tableSizes(server.store.clients.raw, server.store.tables);
    const ticksSize = sizes.ticks;
    // A restart empties the minute bars: a chart's first day of candles then reads the symbol's stored day.
    await server.app.close();
    await server.store.close();
    server = await startBenchServer(dataDir, env);
    await server.app.listen();
    for (const symbol of [hot, tail]) {
      await load('1m × 1 d, first after a restart (cold)', symbol, '1m', dayEndMs - DAY_MS, false);
    }
    return {
      store,
      mode,
      classes,
      charts,
      bytesPerItem:
        ticksSize && ticksSize.items > 0 && ticksSize.bytes > 0 ? ticksSize.bytes / ticksSize.items : undefined,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server.app.close();
    await server.store.close();
  }
}

function count(counts: Map<string, SymbolCounts>, tick: Tick, second: number, last: boolean): void {
  let c = counts.get(tick.symbol);
  if (!c) {
    c = { trades: 0, seconds: new Set(), lastTrades: 0, lastSeconds: new Set() };
    counts.set(tick.symbol, c);
  }
  c.trades++;
  c.seconds.add(second);
  if (last) {
    c.lastTrades++;
    c.lastSeconds.add(second);
  }
}

/** The tail symbol that traded most, so that its loads read something. */
function busiest(symbols: SymbolRate[], counts: Map<string, SymbolCounts>): string {
  return symbols.reduce((best, s) =>
    (counts.get(s.symbol)?.trades ?? 0) > (counts.get(best.symbol)?.trades ?? 0) ? s : best,
  ).symbol;
}

/** Hands one second's trades in; a full queue is the store falling behind, so wait and hand the same batch in again. */
async function ingest(pipeline: { ingest(ticks: readonly Tick[]): unknown }, ticks: Tick[]): Promise<void> {
  for (;;) {
    try {
      await pipeline.ingest(ticks);
      return;
    } catch (err) {
      if (!(err instanceof PersistenceFullError)) throw err;
      await sleep(20);
    }
  }
}

async function quiet(pipeline: { stats(): { queued: number; inFlight: number } }, lastUnitAt: () => number) {
  const fedAt = Date.now();
  const deadline = fedAt + 600_000;
  for (;;) {
    const { queued, inFlight } = pipeline.stats();
    const now = Date.now();
    if (queued + inFlight === 0 && now - Math.max(lastUnitAt(), fedAt) >= QUIET_MS) return;
    if (now > deadline) throw new Error('the store did not go quiet within 10 minutes');
    await sleep(100);
  }
}

type BenchServer = Awaited<ReturnType<typeof startBenchServer>>;

/** Read units on `realtime_ticks` while one candles request of a signed-in dashboard user ran. */
async function chartUnits(server: BenchServer, symbol: string, interval: string, from: number, to: number) {
  const url = `http://${server.config.host}:${(server.app.httpServer.address() as { port: number }).port}`;
  const signIn = await fetch(`${url}/api/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: 'cost-bench-trader' }),
  });
  if (!signIn.ok) throw new Error(`dev-login answered ${signIn.status}: ${await signIn.text()}`);
  const { token } = (await signIn.json()) as { token: string };
  let units = 0;
  // Only Queries: the embedded store's TTL sweeper scans the table after a restart, concurrently.
  const stop = server.store.capacity.onConsumed((c) => {
    if (c.table === 'ticks' && c.kind === 'read' && c.operation === 'Query') units += c.units;
  });
  try {
    const res = await fetch(`${url}/api/ticks/${symbol}/candles?interval=${interval}&from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`candles answered ${res.status}: ${await res.text()}`);
    await res.json();
  } finally {
    stop();
  }
  return units;
}

// ---- Report ----

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
const per = (units: number, trades: number) => (trades > 0 ? units / trades : NaN);
const usd = (value: number) => `$${value < 10 ? value.toFixed(2) : fmt(value)}`;
const row = (cells: string[], widths: number[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[i]!))).join('');

function calibration(run: RunResult): Calibration {
  const fit = fitItemModel(run.classes);
  const registry = run.classes.reduce((s, c) => s + c.registryUnits, 0);
  const registrations = run.classes.reduce((s, c) => s + c.registrations, 0);
  const cold = run.charts.find((c) => c.name.includes('cold') && c.symbol.startsWith('HOT'))!;
  const itemsRead = fit.model === 'trade' ? cold.trades : cold.tradedSeconds;
  return {
    fit,
    registryUnitsPerRegistration: per(registry, registrations),
    readUnitsPerItem: per(cold.units, itemsRead),
    bytesPerItem: run.bytesPerItem,
  };
}

function describeClass(c: RateClass): string {
  const rate = (r: number) => (r < 1 ? `${fmt(r * 60, 0)}/min` : `${fmt(r, 0)}/s`);
  return (
    `${c.name} ${fmt(c.symbols)} × ${rate(c.minPerSecond)}–${rate(c.maxPerSecond)}` +
    (c.tradesPerPrint > 1 ? ` (${c.tradesPerPrint} trades per print)` : '')
  );
}

function report(runs: RunResult[], dayEndMs: number, totalSeconds: number): void {
  const get = (store: StoreKind, mode: Mode) => runs.find((r) => r.store === store && r.mode === mode)!;
  const columns = STORES.flatMap((store) => MODES.map((mode) => ({ store, mode, run: get(store, mode) })));
  const trades = get('embedded', 'seconds').classes;

  console.log('');
  console.log(
    '1. Write units per trade ingested, realtime_ticks (CapacityMeter; every table write unit reported by the store)',
  );
  const w1 = [18, 10, 11, 11, 11, 11, 14, 12];
  console.log(row(['', '', 'embedded', '', 'DDB Local', '', 'one per', 'formula'], w1));
  console.log(row(['class', 'trades', 'seconds', 'trades', 'seconds', 'trades', 'traded s', '(1−e^−μ)/λ'], w1));
  for (const name of CLASS_NAMES) {
    const measured = columns.map(({ run }) => run.classes.find((c) => c.rateClass === name)!);
    const replay = trades.find((c) => c.rateClass === name)!;
    console.log(
      row(
        [
          name,
          fmt(replay.trades),
          ...measured.map((c) => fmt(per(c.itemUnits + c.registryUnits, c.trades), 4)),
          fmt(per(replay.tradedSeconds, replay.trades), 4),
          fmt(replay.formulaItemsPerTrade, 4),
        ],
        w1,
      ),
    );
  }
  const total = (run: RunResult, f: (c: ClassResult) => number) => run.classes.reduce((s, c) => s + f(c), 0);
  const allTrades = total(columns[0]!.run, (c) => c.trades);
  console.log(
    row(
      [
        'all',
        fmt(allTrades),
        ...columns.map(({ run }) =>
          fmt(
            per(
              total(run, (c) => c.itemUnits + c.registryUnits),
              allTrades,
            ),
            4,
          ),
        ),
        fmt(
          per(
            total(columns[0]!.run, (c) => c.tradedSeconds),
            allTrades,
          ),
          4,
        ),
        '',
      ],
      w1,
    ),
  );
  console.log(
    row(
      [
        '  of which registry',
        '',
        ...columns.map(({ run }) =>
          fmt(
            per(
              total(run, (c) => c.registryUnits),
              allTrades,
            ),
            4,
          ),
        ),
        '',
        '',
      ],
      w1,
    ),
  );
  console.log(
    `   registry: ${fmt(total(columns[0]!.run, (c) => c.registrations))} registrations (a symbol's first trade in each ` +
      `window, the windows being more than the registry's ${REGISTRY_SLACK_SECONDS / 3600} h slack apart); units per registration: ` +
      columns
        .map(({ store, mode, run }) => `${store}/${mode} ${fmt(calibration(run).registryUnitsPerRegistration, 2)}`)
        .join(', '),
  );
  console.log('');
  console.log('   Item model each run fits (units per stored item by class; 1.00 where every item is one write unit):');
  for (const { store, mode, run } of columns)
    console.log(`   ${`${store}, ${mode}`.padEnd(26)}${describeFit(calibration(run).fit)}`);

  console.log('');
  console.log(
    "2. Write units per hour on realtime_ticks, at the replayed day's rates (session average; DynamoDB Local)",
  );
  const w2 = [18, 16, 14, 14];
  console.log(row(['class', 'trades/h', 'seconds', 'trades'], w2));
  for (const rateClass of [...REPLAY_CLASSES, undefined]) {
    const scenario: Scenario = {
      key: 'replay',
      title: '',
      classes: (rateClass ? [rateClass] : REPLAY_CLASSES).map((c) => ({ ...c, calibratedBy: c.name })),
      flat: false,
      watched: 0,
    };
    const hours = SESSION_SECONDS / 3600;
    const month = MODES.map((mode) => projectMonth(scenario, calibration(get('dynamodb-local', mode))));
    console.log(
      row(
        [
          rateClass?.name ?? 'all',
          fmt(month[0]!.tradesPerMonth / TRADING_DAYS_PER_MONTH / hours),
          ...month.map((m) => fmt(m.writeUnits / TRADING_DAYS_PER_MONTH / hours)),
        ],
        w2,
      ),
    );
  }

  console.log('');
  console.log('3. Read units per chart load (Query on realtime_ticks, over HTTP as a signed-in user)');
  const w3 = [46, 9, 13, 11, 11, 11, 11];
  console.log(row(['load', 'symbol', 'items t/s', 'emb sec', 'emb trd', 'DDBL sec', 'DDBL trd'], w3));
  for (const chart of columns[0]!.run.charts) {
    const same = columns.map(({ run }) => run.charts.find((c) => c.name === chart.name && c.symbol === chart.symbol)!);
    console.log(
      row(
        [
          chart.name,
          chart.symbol,
          `${fmt(chart.trades)}/${fmt(chart.tradedSeconds)}`,
          ...same.map((c) => fmt(c.units, 1)),
        ],
        w3,
      ),
    );
  }
  console.log(
    '   (items t/s: the range holds that many trades / traded seconds of the replayed windows; a whole day holds ' +
      "about 6.5 h / the windows' length times as many)",
  );
  console.log(
    '   read units per stored item, from the cold load of the hot symbol: ' +
      columns.map(({ store, mode, run }) => `${store}/${mode} ${fmt(calibration(run).readUnitsPerItem, 4)}`).join(', '),
  );

  console.log('');
  console.log(
    `4. Projected $/month for realtime_ticks: market hours ${SESSION_SECONDS / 3600} h × ${TRADING_DAYS_PER_MONTH} trading ` +
      `days; on-demand prices of ${PRICES_SOURCE} as of ${PRICES_AS_OF} (server/src/usage/prices.ts)`,
  );
  console.log(
    "   From DynamoDB Local's figures: units per stored item by class (section 1) × the items each scenario stores under " +
      'the model that run fits, integrated minute by minute over its rates (log-uniform within each class, spread ' +
      `over its quantiles) and the intraday curve; the registry at ${REGISTRATIONS_PER_SYMBOL_DAY} registrations per ` +
      'symbol a day.',
  );
  console.log(
    `   Reads: per watched symbol a day, ${CHART_LOADS.coldDayPerSymbol} cold day of 1-minute candles (after a daily ` +
      `restart; warm loads come from the minute bars) and ${CHART_LOADS.lastMinutesPerSymbol} loads of the last ` +
      `${CHART_LOADS.lastMinutesSeconds / 60} min of 1-second candles. Storage: one day of items at the bytes per item ` +
      `DynamoDB Local reports, plus AWS's ${STORAGE_OVERHEAD_BYTES} bytes per item.`,
  );
  const regions = ['us-east-1', 'ca-west-1'] as const;
  // The other two tables hold alerts and fires, not trades: priced at the seed's own units for them.
  const otherTables = (region: (typeof regions)[number]) =>
    SEED_ESTIMATE.filter((line) => line.table !== 'realtime_ticks').reduce(
      (s, line) => s + monthlyUsd(line, ON_DEMAND_PRICES[region]!),
      0,
    );
  const w4 = [10, 15, 15, 15, 10, 12, 12];
  for (const scenario of SCENARIOS) {
    console.log('');
    console.log(`   (${scenario.key}) ${scenario.title}`);
    console.log(`       ${scenario.classes.map(describeClass).join('; ')}; ${scenario.watched} symbols on charts`);
    console.log(row(['   mode', 'trades/month', 'write units', 'read units', 'storage', ...regions], w4));
    const projections: [string, Calibration][] = MODES.map((mode) => [mode, calibration(get('dynamodb-local', mode))]);
    const threeTables: string[] = [];
    for (const [mode, measured] of projections) {
      const month = projectMonth(scenario, measured);
      threeTables.push(
        `${mode} ${regions.map((region) => `${usd(monthlyUsd(month, ON_DEMAND_PRICES[region]!) + otherTables(region))} (${region})`).join(' / ')}`,
      );
      if (mode === 'seconds')
        console.log(`       ${fmt(month.tradesPerSecond)} trades/s on average, ${month.symbols} symbols`);
      console.log(
        row(
          [
            `   ${mode}`,
            fmt(month.tradesPerMonth),
            fmt(month.writeUnits),
            fmt(month.readUnits),
            month.storageGb === undefined ? '-' : `${fmt(month.storageGb, 2)} GB`,
            ...regions.map((region) => usd(monthlyUsd(month, ON_DEMAND_PRICES[region]!))),
          ],
          w4,
        ),
      );
    }
    console.log(
      `       three tables, with alert_configurations and alert_notifications_history at the seed's units: ${threeTables.join('; ')}`,
    );
  }

  console.log('');
  console.log(
    '5. The seed\'s estimate table (000_36baa1ede54da679.txt, "Cost Estimation"), and its units at today\'s prices',
  );
  const w5 = [30, 14, 14, 10, 12, 12, 12];
  console.log(row(['table', 'write units', 'read units', 'storage', 'seed says', ...regions], w5));
  for (const line of SEED_ESTIMATE) {
    console.log(
      row(
        [
          line.table,
          fmt(line.writeUnits),
          fmt(line.readUnits),
          `${fmt(line.storageGb * 1024)} MB`,
          line.usd,
          ...regions.map((region) => usd(monthlyUsd(line, ON_DEMAND_PRICES[region]!))),
        ],
        w5,
      ),
    );
  }
  const seedTotal = (region: (typeof regions)[number]) =>
    SEED_ESTIMATE.reduce((s, line) => s + monthlyUsd(line, ON_DEMAND_PRICES[region]!), 0);
  console.log(row(['total', '', '', '', SEED_TOTAL_USD, ...regions.map((r) => usd(seedTotal(r)))], w5));
  console.log('');
  console.log(
    `session replayed ends ${new Date(dayEndMs).toISOString()}; whole bench ${fmt(totalSeconds)} s (` +
      runs.map((r) => `${r.store}/${r.mode} ${fmt(r.seconds)} s`).join(', ') +
      ')',
  );
}

function describeFit(fit: ModelFit): string {
  const classes = CLASS_NAMES.map((name) => `${name} ${fmt(fit.unitsPerItem[name as RateClassName], 2)}`).join(', ');
  return `one item per ${fit.model === 'trade' ? 'trade' : 'traded second'} (${classes})`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-cost-bench-'));
  const dynamo = await startDynamoDbLocal();
  try {
    // The session ends a minute ago, so that every trade is inside the ticks' 24 h and none is in the future.
    const dayEndMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const symbols = drawSymbols(REPLAY_CLASSES);
    const windows = sampleWindows(WINDOW_SECONDS);
    const dayAverage = symbols.reduce((s, r) => s + r.perSecond, 0);
    console.log(
      `Cost benchmark: ${windows.length} windows of ${WINDOW_SECONDS} s of one trading day (${windows
        .map((w) => `${w.name} at +${fmt(w.fromSecond / 60, 1)} min`)
        .join(', ')} of a ${SESSION_SECONDS / 3600} h session), ${symbols.length} symbols: ` +
        `${REPLAY_CLASSES.map(describeClass).join('; ')} (day averages; intraday U ×3 at the open, ×0.9 midday, ` +
        `×2.2 at the close); ${fmt(dayAverage)} trades/s on average; seed "${SEED}"; ${os.cpus().length} CPUs`,
    );
    console.log(
      'Each run: the real server (FEED=none, AUTH_MODE=dev), ticks through app.pipeline.ingest one traded second at a ' +
        'time, classes one after another, the store left quiet between them; embedded store on disk in this process, ' +
        'and DynamoDB Local in memory.',
    );
    const runs: RunResult[] = [];
    for (const store of STORES) {
      for (const mode of MODES) {
        // A fresh day for every run: the same seed draws the same trades.
        const day = new TradingDay(symbols, dayEndMs - SESSION_SECONDS * 1000, SEED);
        runs.push(
          await runOnce(store, mode, day, dayEndMs, root, store === 'dynamodb-local' ? dynamo.endpoint : undefined),
        );
      }
    }
    report(runs, dayEndMs, (performance.now() - started) / 1000);
  } finally {
    await dynamo.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
