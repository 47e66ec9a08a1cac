import type { KeyedSpan } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import type { MinuteBars, TimeRange } from './minute-bars.js';

/**
 * Reads a symbol's stored ticks of `range`, handing each to `add`, a page at a time; once `signal` aborts it throws
 * its reason before the next page. Injected where the app is wired, as market/ does not reach the store.
 */
export type ReadStored = (
  symbol: string,
  range: TimeRange,
  add: (span: KeyedSpan) => void,
  signal?: AbortSignal,
) => Promise<void>;

/** A candles request that needed a stored day while the server was shutting down: the store is no longer read. */
export class WarmingStoppedError extends Error {
  override name = 'WarmingStoppedError';
  constructor() {
    super('the server is shutting down and reads no more stored days');
  }
}

export interface WarmingStatus {
  /** Symbols the background pass has still to read, the one in hand included. */
  warming: number;
  /** Candles requests waiting for a symbol's stored day to be read. */
  waiting: number;
}

/**
 * The order the background pass reads symbols in: the most recently traded first, as those are the ones traders are
 * watching; ties keep the order given.
 */
export function warmingOrder(symbols: readonly { symbol: string; lastTradeAt: number }[]): string[] {
  return symbols
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => b.lastTradeAt - a.lastTradeAt || a.index - b.index)
    .map((entry) => entry.symbol);
}

/**
 * Fills minute bars with what an earlier run stored (`MinuteBars.storedElsewhere`), so that candles after a restart
 * come from memory. In the background, one symbol at a time, so a small box is never busy with a burst of parallel
 * reads; and on demand, when a request needs a symbol the pass has not reached. A symbol has one read at a time:
 * whoever needs it while it runs waits for that read. A failed read leaves the symbol to its first request, as
 * before the pass.
 */
export class MinuteBarsWarmer {
  private readonly bars: MinuteBars;
  private readonly read: ReadStored;
  private readonly log: Logger;
  /** Reads running, by symbol. */
  private readonly reading = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** Symbols the pass has not reached yet. */
  private queue: string[] = [];
  private inHand: string | undefined;
  private waiting = 0;
  private pass: Promise<void> = Promise.resolve();

  constructor(deps: { bars: MinuteBars; read: ReadStored; log: Logger }) {
    this.bars = deps.bars;
    this.read = deps.read;
    this.log = deps.log;
  }

  /**
   * Resolves once the symbol's minute bars hold every stored tick from `from` on: at once when they do, else when
   * the read of its stored day ends, the one already running or one this call starts.
   */
  async ready(symbol: string, from: number): Promise<void> {
    const read = this.reading.get(symbol) ?? this.startRead(symbol, from);
    if (!read) return;
    this.waiting += 1;
    try {
      await read;
    } catch (err) {
      if (this.stopping.signal.aborted) throw new WarmingStoppedError();
      throw err;
    } finally {
      this.waiting -= 1;
    }
  }

  /**
   * Starts the background pass over `symbols`, in that order. The returned promise (also `passed`) resolves when the
   * pass ends, every symbol read or failed, or stopped; it never rejects.
   */
  start(symbols: readonly string[]): Promise<void> {
    // Closed while still starting up: there is nothing to read into.
    if (this.stopping.signal.aborted) return this.pass;
    this.queue = [...symbols];
    this.pass = this.run();
    return this.pass;
  }

  /** The background pass's end (resolved before any pass starts). */
  get passed(): Promise<void> {
    return this.pass;
  }

  status(): WarmingStatus {
    return { warming: this.queue.length + (this.inHand === undefined ? 0 : 1), waiting: this.waiting };
  }

  /**
   * Ends the pass and every read after the page in hand, and resolves once none is running; requests waiting for one
   * get a WarmingStoppedError, as does any request after this that needs a read.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.queue = [];
    await Promise.allSettled([this.pass, ...this.reading.values()]);
  }

  private async run(): Promise<void> {
    const started = performance.now();
    let read = 0;
    let failed = 0;
    for (let symbol = this.queue.shift(); symbol !== undefined; symbol = this.queue.shift()) {
      this.inHand = symbol;
      try {
        // A request may have read the symbol already, or be reading it: then there is nothing to do, or its read to
        // wait for.
        const pending = this.reading.get(symbol) ?? this.startRead(symbol, 0);
        if (!pending) continue;
        await pending;
        read += 1;
      } catch (err) {
        if (this.stopping.signal.aborted) break;
        failed += 1;
        this.log.warn(
          { err, symbol },
          "could not read a symbol's stored day into its minute bars; its first candles request will",
        );
      }
    }
    this.inHand = undefined;
    this.log.info(
      { read, failed, stopped: this.stopping.signal.aborted, ms: Math.round(performance.now() - started) },
      'minute bars hold the stored days',
    );
  }

  private startRead(symbol: string, from: number): Promise<void> | undefined {
    const warm = this.bars.warmUp(symbol, from);
    if (!warm) return undefined;
    // Bars that need no read still answer while the server closes; only a read of the store is refused.
    if (this.stopping.signal.aborted) throw new WarmingStoppedError();
    const read = this.read(symbol, warm, (span) => warm.add(span), this.stopping.signal)
      .then(() => warm.finish())
      .finally(() => this.reading.delete(symbol));
    this.reading.set(symbol, read);
    return read;
  }
}
