import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import {
  ALERT_OPTION_DEFAULTS,
  CHANNEL_EVENTS,
  LEVEL_OPERATORS,
  MOVE_DIRECTIONS,
  MOVE_UNITS,
  type ConditionSpec,
  type Tick,
} from '@tickwatch/shared';
import { AlertBook, type LiveAlert } from '../engine/alert-book.js';
import { MarketState } from '../market/market-state.js';
import { holds } from '../engine/conditions.js';
import type { AlertItem } from '../store/alerts-repository.js';

/**
 * `npm run bench:engine`: ticks evaluated per second by the alert engine's books (the ordered level index) against
 * a naive loop that evaluates every alert of the symbol on every tick, with the same alerts and the same ticks in
 * the same run. Both must produce the same fires; the bench checks that. Pure evaluation: no store, no sockets.
 */
const SCENARIOS = [
  { alerts: 1_000, symbols: 500 },
  { alerts: 10_000, symbols: 500 },
  { alerts: 100_000, symbols: 500 },
  { alerts: 1_000_000, symbols: 500 },
  { alerts: 100_000, symbols: 1 },
];
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1500);
const random = seedrandom('engine-bench');

/** A new, armed alert of `spec` on `symbol`, as the engine holds it. */
function liveAlert(id: string, userId: string, symbol: string, spec: ConditionSpec): LiveAlert {
  const item: AlertItem = {
    alert_id: id,
    user_id: userId,
    symbol,
    ...spec,
    ...ALERT_OPTION_DEFAULTS,
    created_at: 0,
    updated_at: 0,
    last_triggered: null,
    trigger_count: 0,
    armed: true,
    version: 1,
    last_fired_ms: null,
  };
  return { id, item, armed: true, lastFiredMs: null, statusNote: null, fresh: true };
}

function makeAlerts(count: number, symbols: string[], startPrice: Map<string, number>): LiveAlert[] {
  return Array.from({ length: count }, (_, i) => {
    const symbol = symbols[i % symbols.length]!;
    const price = startPrice.get(symbol)!;
    return liveAlert(`a${i}`, `u${i % 5000}`, symbol, {
      condition_type: 'price_threshold',
      // Levels within ±10% of the price, where traders put them.
      condition: { operator: LEVEL_OPERATORS[i % 4]!, threshold: price * (0.9 + random() * 0.2), price_type: 'close' },
    });
  });
}

/**
 * Price move and price channel alerts, half each: moves of 0.5–5% (or as much in price) within 5, 15 or 60 minutes,
 * channels 1–5% wide within ±10% of the price.
 */
function makeMoveAndChannelAlerts(count: number, symbols: string[], startPrice: Map<string, number>): LiveAlert[] {
  return Array.from({ length: count }, (_, i) => {
    const symbol = symbols[i % symbols.length]!;
    const price = startPrice.get(symbol)!;
    const percent = 0.5 + random() * 4.5;
    const lower = price * (0.9 + random() * 0.2);
    const spec: ConditionSpec =
      i % 2 === 0
        ? {
            condition_type: 'price_move',
            condition: {
              direction: MOVE_DIRECTIONS[(i >> 1) % 2]!,
              unit: MOVE_UNITS[(i >> 2) % 2]!,
              amount: (i >> 2) % 2 === 0 ? percent : (price * percent) / 100,
              window_minutes: [5, 15, 60][i % 3]!,
            },
          }
        : {
            condition_type: 'price_channel',
            condition: {
              event: CHANNEL_EVENTS[(i >> 1) % 2]!,
              lower,
              upper: lower * (1.01 + random() * 0.04),
            },
          };
    return liveAlert(`m${i}`, `u${i % 5000}`, symbol, spec);
  });
}

/** The same alerts again (same conditions), as separate objects for an independent run. */
function cloneAlerts(alerts: LiveAlert[]): LiveAlert[] {
  return alerts.map((a) => ({ ...a, item: { ...a.item } }));
}

/** A random walk with per-tick moves of a few basis points, like a liquid stock tick to tick. */
function makeTicks(count: number, symbols: string[], startPrice: Map<string, number>): Tick[] {
  const price = new Map(startPrice);
  const t0 = Date.UTC(2026, 10, 25, 15, 0, 0);
  return Array.from({ length: count }, (_, i) => {
    const symbol = symbols[Math.floor(random() * symbols.length)]!;
    const next = price.get(symbol)! * (1 + (random() - 0.5) * 0.001);
    price.set(symbol, next);
    return { symbol, timestamp: t0 + i, price: next, volume: 100, source: 'simulator' as const };
  });
}

/** The baseline: every alert of the symbol, every tick, same trigger rule (fire on true while armed, re-arm on false). */
class NaiveEvaluator {
  private readonly bySymbol = new Map<string, LiveAlert[]>();
  constructor(alerts: LiveAlert[]) {
    for (const a of alerts) {
      const list = this.bySymbol.get(a.item.symbol) ?? [];
      list.push(a);
      this.bySymbol.set(a.item.symbol, list);
    }
  }
  onTick(tick: Tick): number {
    let fires = 0;
    for (const a of this.bySymbol.get(tick.symbol) ?? []) {
      if (a.item.condition_type !== 'price_threshold') continue;
      const truth = holds(
        a.item.condition.operator as (typeof LEVEL_OPERATORS)[number],
        tick.price,
        a.item.condition.threshold,
      );
      if (truth && a.armed) {
        a.armed = false;
        fires += 1;
      } else if (!truth && !a.armed) a.armed = true;
    }
    return fires;
  }
}

/**
 * The first tick of each symbol evaluates every alert of it in full (as after a restart), firing those already
 * true: that start-up cost is paid once, outside the timed steady state.
 */
function warmUp(onTick: (tick: Tick) => number, symbols: string[], startPrice: Map<string, number>): void {
  for (const symbol of symbols) {
    onTick({
      symbol,
      timestamp: Date.UTC(2026, 10, 25, 14, 0, 0),
      price: startPrice.get(symbol)!,
      volume: 1,
      source: 'simulator',
    });
  }
}

function run(
  onTick: (tick: Tick) => number,
  ticks: Tick[],
): { ticksPerSecond: number; fires: number; evaluated: number } {
  let fires = 0;
  let i = 0;
  const started = performance.now();
  const deadline = started + MEASURE_MS;
  while (i < ticks.length && (i % 256 !== 0 || performance.now() < deadline)) fires += onTick(ticks[i++]!);
  return { ticksPerSecond: i / ((performance.now() - started) / 1000), fires, evaluated: i };
}

/** Ticks through a market state into the books, as the server evaluates live ticks; returns the fires. */
function evaluator(books: Map<string, AlertBook>): (tick: Tick) => number {
  const market = new MarketState();
  return (tick) => {
    const move = market.apply(tick);
    if (!move) return 0;
    let fires = 0;
    for (const action of books.get(tick.symbol)!.onMove(move)) if (action.kind === 'fire') fires += 1;
    return fires;
  };
}

/** CPU time (user + system) per tick over as many ticks as fit in MEASURE_MS: less noisy than wall time. */
function cpuPerTick(onTick: (tick: Tick) => number, ticks: Tick[]): { microseconds: number; fires: number } {
  const cpu = process.cpuUsage();
  const { evaluated, fires } = run(onTick, ticks);
  const used = process.cpuUsage(cpu);
  return { microseconds: (used.user + used.system) / evaluated, fires };
}

/** Books for these symbols holding these alerts, move windows in service (no stored history to load here). */
function booksOf(symbols: string[], alerts: LiveAlert[]): Map<string, AlertBook> {
  const books = new Map(symbols.map((s) => [s, new AlertBook(s)]));
  for (const s of symbols) {
    const book = books.get(s)!;
    for (const key of book.addAll(alerts.filter((a) => a.item.symbol === s))) book.warmTracker(key, []);
  }
  return books;
}

function heapUsed(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

console.log(`Alert engine benchmark: ${MEASURE_MS} ms per run, price_threshold alerts with levels within ±10%`);
console.log('');
console.log('alerts      symbols   engine ticks/s   naive ticks/s   ratio   fires (engine = naive)');
for (const scenario of SCENARIOS) {
  const symbols = Array.from({ length: scenario.symbols }, (_, i) => `S${i}`);
  const startPrice = new Map(symbols.map((s) => [s, 20 + random() * 480]));
  const ticks = makeTicks(2_000_000, symbols, startPrice);

  const engineAlerts = makeAlerts(scenario.alerts, symbols, startPrice);
  const naiveAlerts = cloneAlerts(engineAlerts);
  const checkAlerts = cloneAlerts(engineAlerts);
  const books = new Map(symbols.map((s) => [s, new AlertBook(s)]));
  for (const s of symbols) books.get(s)!.addAll(engineAlerts.filter((a) => a.item.symbol === s));
  // The engine's side includes the market state's day-bar update: on the server that runs on every live tick too.
  const engineTick = evaluator(books);
  warmUp(engineTick, symbols, startPrice);
  const engine = run(engineTick, ticks);

  const naive = new NaiveEvaluator(naiveAlerts);
  warmUp((tick) => naive.onTick(tick), symbols, startPrice);
  // Both see the same ticks; compare fires over the naive run's (shorter) prefix.
  const baseline = run((tick) => naive.onTick(tick), ticks);
  const check = new Map(symbols.map((s) => [s, new AlertBook(s)]));
  for (const s of symbols) check.get(s)!.addAll(checkAlerts.filter((a) => a.item.symbol === s));
  const checkTick = evaluator(check);
  warmUp(checkTick, symbols, startPrice);
  let engineFires = 0;
  for (const tick of ticks.slice(0, baseline.evaluated)) engineFires += checkTick(tick);
  const same = engineFires === baseline.fires ? 'yes' : `NO (${engineFires} vs ${baseline.fires})`;
  console.log(
    `${String(scenario.alerts).padEnd(11)} ${String(scenario.symbols).padEnd(9)} ${engine.ticksPerSecond.toFixed(0).padStart(14)}   ${baseline.ticksPerSecond
      .toFixed(0)
      .padStart(
        13,
      )}   ${(engine.ticksPerSecond / baseline.ticksPerSecond).toFixed(1).padStart(5)}x  ${String(baseline.fires).padStart(8)} ${same}`,
  );
  if (engineFires !== baseline.fires) process.exitCode = 1;
}

// Price moves and channels beside threshold alerts: the same number of alerts, the same symbols and ticks.
{
  const count = 100_000;
  const symbols = Array.from({ length: 500 }, (_, i) => `C${i}`);
  const startPrice = new Map(symbols.map((s) => [s, 20 + random() * 480]));
  const ticks = makeTicks(2_000_000, symbols, startPrice);
  console.log('');
  console.log(`CPU per tick, ${count} alerts on ${symbols.length} symbols (the same ticks for each kind)`);
  console.log('alerts                       µs CPU/tick   fires');
  for (const [label, alerts] of [
    ['price_threshold', makeAlerts(count, symbols, startPrice)],
    ['price_move + price_channel', makeMoveAndChannelAlerts(count, symbols, startPrice)],
  ] as const) {
    const onTick = evaluator(booksOf(symbols, alerts));
    warmUp(onTick, symbols, startPrice);
    const { microseconds, fires } = cpuPerTick(onTick, ticks);
    console.log(`${label.padEnd(28)} ${microseconds.toFixed(2).padStart(11)}   ${String(fires).padStart(5)}`);
  }
}

// Memory: what 100k alerts cost in the engine (their LiveAlert copies, items and index entries).
const symbols = Array.from({ length: 500 }, (_, i) => `M${i}`);
const startPrice = new Map(symbols.map((s) => [s, 100]));
const before = heapUsed();
const alerts = makeAlerts(100_000, symbols, startPrice);
const books = symbols.map((s) => {
  const book = new AlertBook(s);
  book.addAll(alerts.filter((a) => a.item.symbol === s));
  return book;
});
const after = heapUsed();
console.log('');
console.log(
  `memory: ${((after - before) / 1024 / 1024).toFixed(1)} MiB per 100k alerts (${((after - before) / 100_000).toFixed(0)} bytes each)` +
    (globalThis.gc ? '' : ' — run with --expose-gc for a stable figure'),
);
void books.length;
