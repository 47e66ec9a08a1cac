import type { DayBarQuote, Tick } from '@tickwatch/shared';
import { DayBar, type DayBarValue } from './day-bar.js';
import { TradingDayClock } from './trading-day.js';

/** A live tick and what it did to its symbol's trading-day bar: what the alert engine evaluates. */
export interface PriceMove {
  tick: Tick;
  /**
   * Where the tick stands among the symbol's trades: its storage key (the millisecond, plus n/1000 for the n-th
   * extra trade of that millisecond), unique and rising with each live tick. Decisions are recorded against it.
   */
  key: number;
  /** The bar before this tick; undefined for the symbol's first tick. */
  before: DayBarValue | undefined;
  after: DayBarValue;
}

interface SymbolState {
  latest: Tick;
  day: DayBar;
}

/**
 * What the market looks like now, per symbol: the newest tick and the trading-day bar. The one owner of both, so
 * the tick pipeline (which feeds it), the alert engine (which evaluates its moves) and the quotes API (which reads it)
 * can never disagree about a price.
 */
export class MarketState {
  private readonly bySymbol = new Map<string, SymbolState>();

  constructor(private readonly clock = new TradingDayClock()) {}

  /**
   * Takes a tick in. One not older than the symbol's newest is live: it becomes the latest, moves the day bar and
   * the move is returned. An older one is late history (stored, never a price move): undefined, nothing changes.
   * Ties are live, so the last arrival of one millisecond wins.
   */
  apply(tick: Tick, key = tick.timestamp): PriceMove | undefined {
    const state = this.bySymbol.get(tick.symbol);
    if (!state) {
      const day = new DayBar(this.clock);
      const after = day.update(tick);
      this.bySymbol.set(tick.symbol, { latest: tick, day });
      return { tick, key, before: undefined, after };
    }
    if (tick.timestamp < state.latest.timestamp) return undefined;
    const before = state.day.current();
    state.latest = tick;
    return { tick, key, before, after: state.day.update(tick) };
  }

  /** Drops what is known of a symbol: a cluster process that hands the symbol over stops following it. */
  forget(symbol: string): void {
    this.bySymbol.delete(symbol);
  }

  latest(symbol: string): Tick | undefined {
    return this.bySymbol.get(symbol)?.latest;
  }

  /** The symbol's trading-day bar, once it has traded. */
  dayBar(symbol: string): DayBarQuote | null {
    const bar = this.bySymbol.get(symbol)?.day.current();
    return bar ? { open: bar.open, high: bar.high, low: bar.low, close: bar.close } : null;
  }

  /** Every symbol seen, sorted. */
  symbols(): string[] {
    return [...this.bySymbol.keys()].sort();
  }

  get size(): number {
    return this.bySymbol.size;
  }
}
