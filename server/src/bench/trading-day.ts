import seedrandom from 'seedrandom';
import type { Tick } from '@tickwatch/shared';

/**
 * A model of one US trading day's trades, for `npm run bench:cost`: pure and seeded, so a run can be repeated and the
 * projections can integrate the same curve the replay drew from.
 *
 * - Each symbol has a day-average trade rate, drawn log-uniformly within its rate class: liquidity is heavy-tailed,
 *   a few names print hundreds of trades a second while most print a few a minute.
 * - The rate follows an intraday U: a burst after the open, a lull at midday, a second burst into the close.
 * - Trades arrive as a Poisson process of prints; a print of a hot symbol is a cluster of trades in one millisecond
 *   (a sweep through several price levels), which is what TickSequencer exists for.
 * - Prices walk geometrically in cents; sizes are Pareto-distributed round lots with some odd lots.
 */

/** Regular session, 9:30 to 16:00 ET. */
export const SESSION_SECONDS = 6.5 * 3600;
/** Trading days in a month, the month every projection is of (a year's ~252 sessions over 12). */
export const TRADING_DAYS_PER_MONTH = 21;

export type RateClassName = 'hot' | 'liquid' | 'tail';

export interface RateClass {
  name: RateClassName;
  symbols: number;
  /** Day-average trades per second of the least and most active symbol of the class (log-uniform in between). */
  minPerSecond: number;
  maxPerSecond: number;
  /** Mean trades per print (1: each trade alone); prints of more than one trade share a millisecond. */
  tradesPerPrint: number;
}

export interface SymbolRate {
  symbol: string;
  rateClass: RateClassName;
  /** Day-average trades per second. */
  perSecond: number;
  tradesPerPrint: number;
}

const OPEN_BURST = { height: 2.5, decay: 0.04 };
const CLOSE_BURST = { height: 1.5, decay: 0.03 };

function rawIntensity(fraction: number): number {
  return (
    1 +
    OPEN_BURST.height * Math.exp(-fraction / OPEN_BURST.decay) +
    CLOSE_BURST.height * Math.exp(-(1 - fraction) / CLOSE_BURST.decay)
  );
}

/** The raw curve's mean over the session, per minute, so that the curve below averages exactly 1 over the day. */
const RAW_MEAN = (() => {
  let sum = 0;
  for (let minute = 0; minute < SESSION_SECONDS / 60; minute++)
    sum += rawIntensity((minute + 0.5) / (SESSION_SECONDS / 60));
  return sum / (SESSION_SECONDS / 60);
})();

/**
 * How busy the market is `sessionSecond` seconds after the open, relative to the day's average (which is 1): about
 * 3× just after the open, 0.9× at midday and 2.2× just before the close.
 */
export function intradayIntensity(sessionSecond: number): number {
  return rawIntensity(Math.min(1, Math.max(0, sessionSecond / SESSION_SECONDS))) / RAW_MEAN;
}

/** `count` day-average rates log-uniform over [min, max], evenly spread over its quantiles (no sampling noise). */
export function logUniformRates(count: number, min: number, max: number): number[] {
  return Array.from({ length: count }, (_, i) => min * (max / min) ** ((i + 0.5) / count));
}

/** The symbols of `classes`, named by class and index, each with its rate. */
export function drawSymbols(classes: readonly RateClass[]): SymbolRate[] {
  return classes.flatMap((c) =>
    logUniformRates(c.symbols, c.minPerSecond, c.maxPerSecond).map((perSecond, i) => ({
      symbol: `${c.name.toUpperCase()}${i}`,
      rateClass: c.name,
      perSecond,
      tradesPerPrint: c.tradesPerPrint,
    })),
  );
}

/**
 * Items per trade when each symbol stores at most one item per second that traded (TICK_STORE=seconds): a second
 * of a symbol printing Poisson at μ = λ / tradesPerPrint prints a second's item with probability 1 − e^−μ, out of λ
 * trades on average.
 */
export function secondsItemsPerTrade(perSecond: number, tradesPerPrint = 1): number {
  if (perSecond <= 0) return 1;
  return (1 - Math.exp(-perSecond / tradesPerPrint)) / perSecond;
}

/** A sampled stretch of the session, in seconds after the open. */
export interface SessionWindow {
  name: string;
  fromSecond: number;
  seconds: number;
}

/** The first minutes after the open, a stretch at midday and the last minutes before the close. */
export function sampleWindows(seconds: number): SessionWindow[] {
  return [
    { name: 'open', fromSecond: 0, seconds },
    { name: 'midday', fromSecond: Math.round(SESSION_SECONDS / 2), seconds },
    { name: 'close', fromSecond: SESSION_SECONDS - seconds, seconds },
  ];
}

/** Expected trades and seconds-mode items of `symbol` over `window`, from the model itself (no sampling). */
export function expectedCounts(symbol: SymbolRate, window: SessionWindow): { trades: number; secondItems: number } {
  let trades = 0;
  let secondItems = 0;
  for (let s = window.fromSecond; s < window.fromSecond + window.seconds; s++) {
    const rate = symbol.perSecond * intradayIntensity(s + 0.5);
    trades += rate;
    secondItems += 1 - Math.exp(-rate / symbol.tradesPerPrint);
  }
  return { trades, secondItems };
}

type Random = () => number;

/** Knuth's product method while cheap; a rounded normal beyond, where the two are indistinguishable for this use. */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

/** 1 + a geometric count, mean `mean`. */
function printSize(random: Random, mean: number): number {
  if (mean <= 1) return 1;
  const p = 1 / mean;
  return 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - p));
}

/** Shares of one trade: round lots with a Pareto tail (α = 1.3), and one trade in five an odd lot. */
function tradeSize(random: Random): number {
  if (random() < 0.2) return 1 + Math.floor(random() * 99);
  return Math.min(10_000_000, 100 * Math.floor((1 - random()) ** (-1 / 1.3)));
}

interface SymbolState {
  rate: SymbolRate;
  random: Random;
  price: number;
}

/**
 * The day's trades, second by second. Each symbol draws from a generator of its own, so a symbol's trades do not
 * depend on which other symbols are asked for, or in which order.
 */
export class TradingDay {
  private readonly states = new Map<string, SymbolState>();

  /** `openMs`: the epoch ms the session opens at, which places every trade. */
  constructor(
    readonly symbols: readonly SymbolRate[],
    readonly openMs: number,
    seed: string,
  ) {
    for (const rate of symbols) {
      const random = seedrandom(`${seed}:${rate.symbol}`);
      this.states.set(rate.symbol, { rate, random, price: Math.round(20 + random() * 480) * 100 });
    }
  }

  /** The trades of `symbols` in second `sessionSecond` of the session, in time order. */
  tradesOfSecond(sessionSecond: number, symbols: readonly SymbolRate[]): Tick[] {
    const start = this.openMs + sessionSecond * 1000;
    const intensity = intradayIntensity(sessionSecond + 0.5);
    const ticks: Tick[] = [];
    for (const { symbol } of symbols) {
      const state = this.states.get(symbol)!;
      const { random, rate } = state;
      const prints = poisson(random, (rate.perSecond * intensity) / rate.tradesPerPrint);
      const times = Array.from({ length: prints }, () => start + Math.floor(random() * 1000)).sort((a, b) => a - b);
      for (const timestamp of times) {
        for (let n = printSize(random, rate.tradesPerPrint); n > 0; n--) {
          // Prices in cents, kept integral so a walk of thousands of steps never drifts off the cent grid.
          state.price = Math.max(1, Math.round(state.price * Math.exp(0.0003 * gaussian(random))));
          ticks.push({
            symbol,
            timestamp,
            price: state.price / 100,
            volume: tradeSize(random),
            source: 'polygon_websocket',
          });
        }
      }
    }
    return ticks.sort((a, b) => a.timestamp - b.timestamp);
  }
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
