import { MAX_FUTURE_SKEW_MS, barStart, liveFrom, type KeyedSpan, type Tick, type TradePoint } from '@tickwatch/shared';
import { CandleAggregator, foldKeyed, mergeBars, openKeyedBar, type KeyedBar } from './candles.js';

export const MINUTE_MS = 60_000;

/** A stretch of trade time, whole milliseconds, both ends included (as the ticks API's `from` and `to`). */
export interface TimeRange {
  from: number;
  to: number;
}

/** What the minute bars can answer of a range, and the stretches at its ends that only stored ticks can. */
export interface MinuteSlice {
  /** At the start: part of a minute whose bar also holds trades before the range. */
  before?: TimeRange;
  /** Whole bars inside the range, oldest first. */
  bars: KeyedBar[];
  /** At the end: part of a minute whose bar also holds trades after the range. */
  after?: TimeRange;
}

/** Reading stored ticks into a symbol's bars: read `from`..`to` in any order, `add` each item, then `finish`. */
export interface WarmUp extends TimeRange {
  add(span: KeyedSpan): void;
  /** Merges what was read into the bars, which then need no more reading. */
  finish(): void;
}

interface SymbolBars {
  /** One bar per minute with trades, oldest first. Bars are replaced, never changed, so a slice keeps its values. */
  bars: KeyedBar[];
  /**
   * Stored ticks up to this trade time (included) may be missing from the bars: others wrote them (an earlier run,
   * before this one started) and nobody has read them yet. Undefined when the bars hold every stored tick.
   */
  storedUpTo: number | undefined;
  /** Keys of ticks folded here that reading the stored stretch will meet again, so they are not counted twice. */
  folded: Set<number>;
}

/**
 * Every symbol's one-minute bars over the store's window (TICK_TTL_SECONDS), from each tick the store is given, in
 * whatever order ticks arrive. Candles of any whole number of minutes roll up from them, and they equal what folding
 * the stored ticks would give: bars know their opening and closing storage keys, so a late tick lands where the store
 * puts it. Memory is at most one bar per symbol per minute of the window, about 155 bytes each (some 220 KB for a
 * symbol that trades every minute of the day, measured on node 20); older bars go as new ticks come.
 */
export class MinuteBars {
  private readonly symbols = new Map<string, SymbolBars>();
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: { ttlSeconds: number; now?: () => number }) {
    this.ttlSeconds = options.ttlSeconds;
    this.now = options.now ?? Date.now;
  }

  /** At start-up, before this run takes any tick: `symbol` has stored ticks up to `timestamp` that only the store has. */
  storedElsewhere(symbol: string, timestamp: number): void {
    this.symbols.set(symbol, { bars: [], storedUpTo: timestamp, folded: new Set() });
  }

  /** Folds a tick the store has been given, under its storage key. One the store already counts as expired is dropped. */
  add(tick: Tick, key: number): void {
    const windowStart = this.windowStart();
    if (tick.timestamp < windowStart) return;
    let state = this.symbols.get(tick.symbol);
    if (!state) {
      state = { bars: [], storedUpTo: undefined, folded: new Set() };
      this.symbols.set(tick.symbol, state);
    }
    if (state.storedUpTo !== undefined && tick.timestamp <= state.storedUpTo) state.folded.add(key);
    foldInto(state.bars, tick, key);
    evict(state.bars, windowStart);
  }

  /**
   * The stored ticks from `from` on that the symbol's bars may lack, to read while live ticks go on folding in; undefined
   * when the bars hold them all. Ticks this run folded are skipped when met, by key; `finish` merges the rest. A
   * symbol this run has not seen gets its bars now; what the store holds of it, another process wrote, stamped up to
   * that process's clock skew from now.
   */
  warmUp(symbol: string, from: number): WarmUp | undefined {
    let state = this.symbols.get(symbol);
    if (!state) {
      state = { bars: [], storedUpTo: this.now() + MAX_FUTURE_SKEW_MS, folded: new Set() };
      this.symbols.set(symbol, state);
    }
    const target = state;
    const { storedUpTo } = target;
    if (storedUpTo === undefined) return undefined;
    const windowStart = this.windowStart();
    if (storedUpTo < windowStart) {
      // What others stored has expired: the bars hold all there is.
      complete(target);
      return undefined;
    }
    if (from > storedUpTo) return undefined;
    const staged = new CandleAggregator(MINUTE_MS);
    return {
      from: windowStart,
      to: storedUpTo,
      // A stored second of this run is under the key of one of its trades, all of which were folded here.
      add: (span) => {
        if (!target.folded.has(span.closeKey)) staged.addSpan(span);
      },
      finish: () => {
        // Another warm-up got there first: what this one read is in already.
        if (target.storedUpTo === undefined) return;
        // Stored ticks arrived before the live ones, which win a tie of keys as the store's later write.
        target.bars = mergeSorted(staged.bars(), target.bars);
        complete(target);
        evict(target.bars, this.windowStart());
      },
    };
  }

  /**
   * The symbol's bars for the trades of `from`..`to` the store would return now. A minute cut by either end is in
   * the slice when all its trades are inside the range; otherwise the slice names the stretch to read from the store.
   */
  slice(symbol: string, from: number, to: number): MinuteSlice {
    const bars = this.symbols.get(symbol)?.bars ?? [];
    const lower = Math.max(from, this.windowStart());
    const slice: MinuteSlice = { bars: [] };
    if (lower > to) return slice;
    const first = barStart(lower, MINUTE_MS);
    const last = barStart(to, MINUTE_MS);
    for (let i = firstAtOrAfter(bars, first); i < bars.length && bars[i]!.start <= last; i++) {
      const bar = bars[i]!;
      const inside = { from: Math.max(bar.start, lower), to: Math.min(bar.start + MINUTE_MS - 1, to) };
      if (Math.floor(bar.openKey) >= inside.from && Math.floor(bar.closeKey) <= inside.to) slice.bars.push(bar);
      else if (bar.start === first) slice.before = inside;
      else slice.after = inside;
    }
    return slice;
  }

  /** Bars held, over all symbols. */
  get size(): number {
    let bars = 0;
    for (const state of this.symbols.values()) bars += state.bars.length;
    return bars;
  }

  private windowStart(): number {
    return liveFrom(this.now(), this.ttlSeconds);
  }
}

function foldInto(bars: KeyedBar[], trade: TradePoint, key: number): void {
  const start = barStart(trade.timestamp, MINUTE_MS);
  // Nearly every tick belongs to the newest bar or opens the next one; a late one is looked up.
  const newest = bars.length - 1;
  const i = newest >= 0 && bars[newest]!.start <= start ? newest : firstAtOrAfter(bars, start);
  const bar = bars[i];
  if (bar?.start === start) bars[i] = foldKeyed(bar, trade, key);
  else if (bar && bar.start < start) bars.push(openKeyedBar(start, trade, key));
  else bars.splice(i, 0, openKeyedBar(start, trade, key));
}

/** Drops the bars whose whole minute is before `windowStart`. */
function evict(bars: KeyedBar[], windowStart: number): void {
  const keep = firstAtOrAfter(bars, windowStart - MINUTE_MS + 1);
  if (keep > 0) bars.splice(0, keep);
}

/** Index of the first bar starting at or after `start` (bars.length if none). */
function firstAtOrAfter(bars: readonly KeyedBar[], start: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function complete(state: SymbolBars): void {
  state.storedUpTo = undefined;
  state.folded.clear();
}

/** Both lists' bars by start, a minute in both merged; `later` wins ties of keys. */
function mergeSorted(earlier: readonly KeyedBar[], later: readonly KeyedBar[]): KeyedBar[] {
  const merged: KeyedBar[] = [];
  let i = 0;
  let j = 0;
  while (i < earlier.length || j < later.length) {
    const a = earlier[i];
    const b = later[j];
    if (a && (!b || a.start < b.start)) {
      merged.push(a);
      i++;
    } else if (b && (!a || b.start < a.start)) {
      merged.push(b);
      j++;
    } else {
      merged.push(mergeBars(a!, b!));
      i++;
      j++;
    }
  }
  return merged;
}
