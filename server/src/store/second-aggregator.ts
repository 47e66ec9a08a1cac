import { barStart, tickExpiresAt, type Tick } from '@tickwatch/shared';
import { TICK_TTL_SECONDS } from './tables.js';
import type { TickItem } from './ticks-repository.js';

/**
 * Closed seconds remembered per symbol, so that a late trade corrects its second's item instead of becoming a second
 * item of that second. Limits, documented in docs/storage.md as TickSequencer's are: a trade later than this many
 * closed seconds of its symbol (or after a restart) is stored as an item of its own.
 */
export const RECENT_SECONDS_PER_SYMBOL = 300;
/**
 * And for at most this long after they opened, on the caller's clock: late trades come seconds late, not minutes, and
 * a market of thousands of quiet symbols would otherwise keep 300 seconds of each for good.
 */
export const REMEMBER_MS = 300_000;
/** How long after its end an open second waits for stragglers before it is due. */
export const SECOND_GRACE_MS = 1_000;
export const SECOND_MS = 1_000;

/** An item to store and the tags (whatever the caller passed with each trade) of the trades it newly holds. */
export interface SecondItem<T> {
  item: TickItem;
  tags: T[];
}

interface Second<T> {
  symbol: string;
  start: number;
  /**
   * The key the second is stored under: its first trade to arrive's. It never changes, so a correction replaces the
   * item; and whoever folds the same trades in the same order (a cluster's next owner, from the tick log) stores the
   * second under the same key, whenever each of them closed it.
   */
  storedKey: number;
  /** When the caller's clock saw the second's first trade. */
  openedAt: number;
  open: number;
  openKey: number;
  high: number;
  low: number;
  close: number;
  closeKey: number;
  volume: number;
  trades: number;
  source: Tick['source'];
  /** Trades folded in since the second was last handed out. */
  tags: T[];
}

interface SymbolSeconds<T> {
  /** The symbol's newest second, still taking trades; at most one is open per symbol. */
  open: Second<T> | undefined;
  /** Closed seconds by start, oldest closed first. */
  closed: Map<number, Second<T>>;
}

/**
 * Folds trades, with their storage keys (TickSequencer, or the cluster's tick log), into one item per symbol per
 * second: under the key of the second's first trade to arrive, its last trade's key, price and source (by key, the
 * order the store gives trades), the second's volume, open, high, low and trade count. Trades may come in any order.
 *
 * A second closes, and its item is handed out, when a trade of a later second of its symbol arrives, when `flush`
 * finds it due, or on `flushAll`. It is due SECOND_GRACE_MS after its end on the caller's clock, but no sooner than
 * that after it opened (trades replayed from the past still gather in one item when they come in a few batches) and
 * no later than a second after that (a trade stamped ahead of the clock does not hold its second open). A trade for a second already closed
 * re-issues that second's item under its key. No I/O: the caller writes what it is given.
 */
export class SecondAggregator<T = undefined> {
  private readonly symbols = new Map<string, SymbolSeconds<T>>();
  private open = 0;

  constructor(private readonly graceMs = SECOND_GRACE_MS) {}

  /** Takes a trade in at `now` on the caller's clock; returns the items it closed or corrected. */
  add(tick: Tick, key: number, now: number, tag?: T): SecondItem<T>[] {
    let state = this.symbols.get(tick.symbol);
    if (!state) {
      state = { open: undefined, closed: new Map() };
      this.symbols.set(tick.symbol, state);
    }
    const start = barStart(tick.timestamp, SECOND_MS);
    const out: SecondItem<T>[] = [];
    const open = state.open;
    if (open?.start === start) {
      fold(open, tick, key, tag);
      return out;
    }
    // A trade of a second closed already corrects it, in whatever order seconds were closed.
    const closed = state.closed.get(start);
    if (closed) {
      fold(closed, tick, key, tag);
      out.push(handOut(closed));
    } else if (!open || open.start < start) {
      if (open) out.push(this.close(state, open));
      else this.open += 1;
      state.open = openSecond(start, tick, key, now, tag);
    } else {
      // Older than the open second and not remembered: an item of its own, which a later trade of it corrects.
      out.push(this.close(state, openSecond(start, tick, key, now, tag)));
    }
    return out;
  }

  /** Closes the open seconds that are due at `now`, and forgets closed ones older than REMEMBER_MS. */
  flush(now: number): SecondItem<T>[] {
    const out: SecondItem<T>[] = [];
    for (const [symbol, state] of this.symbols) {
      const open = state.open;
      if (open && now >= dueAt(open) + this.graceMs) {
        state.open = undefined;
        this.open -= 1;
        out.push(this.close(state, open));
      }
      // Closed oldest first: the forgotten ones are at the front.
      for (const [start, second] of state.closed) {
        if (now - second.openedAt <= REMEMBER_MS) break;
        state.closed.delete(start);
      }
      if (!state.open && state.closed.size === 0) this.symbols.delete(symbol);
    }
    return out;
  }

  /** Closes every open second (shutdown). */
  flushAll(): SecondItem<T>[] {
    return this.flush(Number.POSITIVE_INFINITY);
  }

  /** Seconds still open, over all symbols: at most one item each for the next flush. */
  get openSeconds(): number {
    return this.open;
  }

  private close(state: SymbolSeconds<T>, second: Second<T>): SecondItem<T> {
    const out = handOut(second);
    state.closed.set(second.start, second);
    if (state.closed.size > RECENT_SECONDS_PER_SYMBOL) {
      const oldest = state.closed.keys().next().value as number;
      state.closed.delete(oldest);
    }
    return out;
  }
}

/** When the second has had its time, on the caller's clock: its end, within a second after it opened. */
function dueAt(second: { start: number; openedAt: number }): number {
  return Math.min(Math.max(second.start + SECOND_MS, second.openedAt), second.openedAt + SECOND_MS);
}

function openSecond<T>(start: number, tick: Tick, key: number, now: number, tag: T | undefined): Second<T> {
  return {
    symbol: tick.symbol,
    start,
    storedKey: key,
    openedAt: now,
    open: tick.price,
    openKey: key,
    high: tick.price,
    low: tick.price,
    close: tick.price,
    closeKey: key,
    volume: tick.volume,
    trades: 1,
    source: tick.source,
    tags: tag === undefined ? [] : [tag],
  };
}

/** A key tying the open or close one wins it, as the store keeps the later of two writes under one key. */
function fold<T>(second: Second<T>, tick: Tick, key: number, tag: T | undefined): void {
  if (key <= second.openKey) {
    second.open = tick.price;
    second.openKey = key;
  }
  if (key >= second.closeKey) {
    second.close = tick.price;
    second.closeKey = key;
    second.source = tick.source;
  }
  second.high = Math.max(second.high, tick.price);
  second.low = Math.min(second.low, tick.price);
  second.volume += tick.volume;
  second.trades += 1;
  if (tag !== undefined) second.tags.push(tag);
}

function handOut<T>(second: Second<T>): SecondItem<T> {
  const tags = second.tags;
  second.tags = [];
  return {
    item: {
      symbol: second.symbol,
      timestamp: second.storedKey,
      price: second.close,
      volume: second.volume,
      source: second.source,
      ttl: tickExpiresAt(second.start, TICK_TTL_SECONDS),
      open: second.open,
      high: second.high,
      low: second.low,
      trades: second.trades,
      last_key: second.closeKey,
    },
    tags,
  };
}
