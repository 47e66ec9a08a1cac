import type { RetryGroup } from '../backoff.js';
import type { AlertEngine } from '../engine/alert-engine.js';
import { tickWriteQueue } from '../ingest/tick-pipeline.js';
import type { WriteQueue, WriteQueueStats } from '../ingest/write-queue.js';
import type { Logger } from '../log.js';
import type { MarketState } from '../market/market-state.js';
import { toTickItem, type TickItem, type TicksRepository } from '../store/ticks-repository.js';
import type { ClusterChange } from './changes.js';
import { shardOf } from './sharding.js';
import type { LoggedTick } from './tick-log.js';

/** Longest wait for a batch's ticks to be stored; past it the batch counts as failed and is read again. */
const STORE_WAIT_MS = 60_000;

/**
 * What a shard's owner does with a batch of its ticks before acknowledging them: evaluates the symbols' alerts on
 * its own market state, fed only by the ticks it owns in stream order, tick by tick with each tick's decisions in the
 * store (fires claimed and on their way to delivery) before the next, then stores the ticks under the keys the tick
 * log gave them.
 *
 * A new owner (after a crash, or a lease that lapsed) starts from the alerts as the store holds them and evaluates
 * again every tick not acknowledged. Each fire and re-arm is recorded with its tick's key (`decided_at`), and the
 * store refuses one on a tick at or before the last recorded, so a tick evaluated twice is recorded once; the refusal
 * brings the alert's state back to the stored one, which the following ticks are evaluated from. Storing a tick
 * again writes the same item.
 */
export class ShardWorker {
  private readonly queue: WriteQueue<TickItem>;
  /** Symbols taken over, with their loading. */
  private readonly loaded = new Map<string, Promise<void>>();
  /**
   * Alerts changed on owned symbols not loaded yet. SymbolIndex, which loading reads, is eventually consistent and
   * may not show the change yet: these are read again, consistently, once the symbol is loaded.
   */
  private readonly early = new Map<string, Set<string>>();

  constructor(
    private readonly engine: AlertEngine,
    /** The market state the engine evaluates against: fed only by owned ticks, restored by the engine on take-over. */
    private readonly market: MarketState,
    repository: TicksRepository,
    private readonly shards: number,
    private readonly ownsShard: (shard: number) => boolean,
    options: { capacity: number; concurrency: number; retries: RetryGroup },
    private readonly log: Logger,
  ) {
    this.queue = tickWriteQueue(repository, options, log);
  }

  /** The owned ticks on their way to the store. */
  stats(): WriteQueueStats {
    return this.queue.stats();
  }

  async work(ticks: LoggedTick[]): Promise<void> {
    await Promise.all([...new Set(ticks.map(({ tick }) => tick.symbol))].map((symbol) => this.load(symbol)));
    const items: TickItem[] = [];
    for (const { tick, key } of ticks) {
      items.push(toTickItem(tick, key));
      const move = this.market.apply(tick, key);
      // Each tick's decisions are in the store before the next tick is evaluated: a decision the store refuses (an
      // earlier owner had recorded this tick already) brings the alert's state back to the stored one first.
      if (move) await this.engine.onMove(move);
    }
    if (!this.queue.offer(items)) throw new Error('the tick write queue is full');
    if (!(await this.queue.drain(STORE_WAIT_MS))) throw new Error('the store did not take the ticks in time');
  }

  /** The shard was handed over: its symbols leave the engine (after what was decided for them is recorded). */
  async release(shard: number): Promise<void> {
    const leaving = [...this.loaded.keys()].filter((symbol) => shardOf(symbol, this.shards) === shard);
    for (const symbol of leaving) this.loaded.delete(symbol);
    for (const symbol of [...this.early.keys()]) if (shardOf(symbol, this.shards) === shard) this.early.delete(symbol);
    await Promise.all(leaving.map((symbol) => this.engine.unloadSymbol(symbol)));
    for (const symbol of leaving) this.market.forget(symbol);
  }

  /** An alert changed through some process's API: applied if it concerns a symbol this process has taken over. */
  async apply(change: Extract<ClusterChange, { kind: 'alert' }>): Promise<void> {
    const loading = change.symbols.filter((symbol) => this.loaded.has(symbol)).map((symbol) => this.loaded.get(symbol));
    if (loading.length === 0) {
      for (const symbol of change.symbols) {
        if (!this.ownsShard(shardOf(symbol, this.shards))) continue;
        const ids = this.early.get(symbol) ?? new Set<string>();
        ids.add(change.alertId);
        this.early.set(symbol, ids);
      }
      return;
    }
    await Promise.all(loading);
    await this.engine.refresh(change.alertId, (symbol) => this.loaded.has(symbol));
  }

  async close(timeoutMs: number): Promise<void> {
    await this.queue.drain(timeoutMs);
    this.queue.close();
  }

  private async refreshEarly(symbol: string): Promise<void> {
    const ids = this.early.get(symbol);
    if (!ids) return;
    this.early.delete(symbol);
    const owns = (other: string) => this.loaded.has(other);
    await Promise.all([...ids].map((alertId) => this.engine.refresh(alertId, owns)));
  }

  private load(symbol: string): Promise<void> {
    let loading = this.loaded.get(symbol);
    if (!loading) {
      loading = this.engine
        .loadSymbol(symbol)
        .then(() => this.refreshEarly(symbol))
        .catch((err: unknown) => {
          this.loaded.delete(symbol);
          this.log.warn({ err, symbol }, 'could not take over a symbol’s alerts; retrying with the next batch');
          throw err;
        });
      this.loaded.set(symbol, loading);
    }
    return loading;
  }
}
