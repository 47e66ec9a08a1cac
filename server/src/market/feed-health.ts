import type { SymbolHealth } from '@tickwatch/shared';
import type { MarketHours } from './market-hours.js';

export interface FeedHealthOptions {
  /** Open-market time without a trade after which a symbol is quiet (FEED_QUIET_SECONDS). */
  quietMs: number;
  hours: MarketHours;
  /** The symbols the feed streams; `any` when it may carry any symbol (Polygon's `*`, no feed but the HTTP ingest). */
  carried: ReadonlySet<string> | 'any';
}

interface LastTrade {
  at: number;
  /** When the symbol goes quiet if it does not trade again; worked out once per trade, and only when needed. */
  quietAt: number | undefined;
}

/**
 * Which symbols' feeds are alive: each symbol's newest trade, whatever brought it (feed, simulator, HTTP ingest), and
 * from it the symbol's state at any time. Pure: the caller says what time it is.
 */
export class FeedHealth {
  private readonly trades = new Map<string, LastTrade>();
  /** What `changes` last reported of each traded symbol. */
  private readonly reported = new Map<string, SymbolHealth>();

  constructor(private readonly options: FeedHealthOptions) {}

  /**
   * A trade of `symbol` at `at` (its own time) reached the server at `now`. A trade stamped in the future counts as
   * of `now`, so a feed's clock running fast cannot keep a symbol live. Cheap: it is on the path of every tick.
   */
  recordTrade(symbol: string, at: number, now: number): void {
    const time = Math.min(at, now);
    const last = this.trades.get(symbol);
    if (!last) this.trades.set(symbol, { at: time, quietAt: undefined });
    else if (time > last.at) {
      last.at = time;
      last.quietAt = undefined;
    }
  }

  state(symbol: string, now: number): SymbolHealth {
    const last = this.trades.get(symbol);
    if (!last) {
      const { carried } = this.options;
      const state = carried === 'any' || carried.has(symbol) ? 'never_seen' : 'not_carried';
      return { symbol, state, since: null, last_trade_at: null };
    }
    if (now - last.at >= this.options.quietMs) {
      last.quietAt ??= this.options.hours.openFor(last.at, this.options.quietMs);
      if (now >= last.quietAt) return { symbol, state: 'quiet', since: last.at, last_trade_at: last.at };
    }
    return { symbol, state: 'live', since: null, last_trade_at: last.at };
  }

  /** The symbols there is something to say about: those traded, and those the feed names. */
  symbols(): string[] {
    const { carried } = this.options;
    return [...new Set([...this.trades.keys(), ...(carried === 'any' ? [] : carried)])].sort();
  }

  /**
   * Traded symbols whose state changed since the last call (first seen, gone quiet, live again), each once. A new
   * trade of a live symbol is no change.
   */
  changes(now: number): SymbolHealth[] {
    const changed: SymbolHealth[] = [];
    for (const symbol of this.trades.keys()) {
      const current = this.state(symbol, now);
      const before = this.reported.get(symbol);
      if (before && before.state === current.state && before.since === current.since) continue;
      this.reported.set(symbol, current);
      changed.push(current);
    }
    return changed;
  }
}
