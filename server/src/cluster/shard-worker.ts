import type { TickStoreMode } from '../config.js';
import type { AlertEngine } from '../engine/alert-engine.js';
import { tickWriteQueue, type PersistenceOptions } from '../ingest/tick-pipeline.js';
import type { WriteQueue, WriteQueueStats } from '../ingest/write-queue.js';
import type { Logger } from '../log.js';
import type { MarketState } from '../market/market-state.js';
import { SecondAggregator, type SecondItem } from '../store/second-aggregator.js';
import { toTickItem, type TickItem, type TicksRepository } from '../store/ticks-repository.js';
import type { ClusterChange } from './changes.js';
import type { ShardWork } from './shard-consumer.js';
import { shardOf } from './sharding.js';
import type { LogEntry } from './tick-log.js';

/**
 * How long a stored second's entries stay unacknowledged (TICK_STORE=seconds): a late trade corrects the second within
 * this time also after a hand-over, as the next owner reads all its entries again and rebuilds it whole. Well within
 * the stream's retention (RETAIN_MS), so no held entry is trimmed.
 */
const ACK_HOLD_MS = 10_000;

/** Longest wait for a batch's ticks to be stored; past it the batch counts as failed and is read again. */
const STORE_WAIT_MS = 60_000;

/**
 * A shard's seconds (TICK_STORE=seconds) and where each entry folded into them stands until it is acknowledged:
 * folded (`unacknowledged` holds every one), its second handed out and `storing`, then `stored` (since `at`), and
 * acknowledged ACK_HOLD_MS after that.
 */
interface ShardSeconds {
  aggregator: SecondAggregator<string>;
  unacknowledged: Set<string>;
  /**
   * The unacknowledged entries of each second handed out, by its stored key, and each entry's second: a correction
   * stores them all again, so they are held as long as the late trade's entry.
   */
  entriesOf: Map<string, string[]>;
  secondOf: Map<string, string>;
  /** Seconds handed out and not in the write queue yet (it was full, or the work failed before queueing them). */
  unqueued: TickItem[];
  storing: string[];
  stored: { id: string; at: number }[];
}

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
 *
 * With TICK_STORE=seconds the ticks are stored as seconds (store/second-aggregator.ts), and an entry is acknowledged
 * only once its second is stored, so no accepted trade is ever acknowledged while only in memory, and then only
 * ACK_HOLD_MS later, so a second corrected meanwhile is rebuilt whole by whoever reads it again. Work that fails
 * keeps its seconds, and skips the entries it is given again. A shard handed over has its open seconds dropped
 * unstored: their entries stay unacknowledged, and the next owner, reading them in the same order, rebuilds the same
 * seconds under the same keys (a second's key is its first trade's to arrive, fixed by the tick log).
 */
export class ShardWorker implements ShardWork {
  private readonly queue: WriteQueue<TickItem>;
  private readonly tickStore: TickStoreMode;
  /** With TICK_STORE=seconds, each shard's seconds and the entries folded into them, until acknowledged. */
  private readonly seconds = new Map<number, ShardSeconds>();
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
    options: PersistenceOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = tickWriteQueue(repository, options, log);
    this.tickStore = options.tickStore;
  }

  /** The owned ticks on their way to the store, open seconds included. */
  stats(): WriteQueueStats {
    const stats = this.queue.stats();
    let open = 0;
    for (const { aggregator } of this.seconds.values()) open += aggregator.openSeconds;
    return { ...stats, queued: stats.queued + open };
  }

  /** Evaluates and stores a batch of a shard's entries; answers the ids that may be acknowledged now. */
  async work(shard: number, entries: LogEntry[]): Promise<string[]> {
    const seconds = this.secondsOf(shard);
    // Entries folded here and not acknowledged yet come again after a failure or a sweep for stragglers: once is all.
    const fresh = seconds ? entries.filter(({ id }) => !seconds.unacknowledged.has(id)) : entries;
    const symbols = new Set(fresh.flatMap(({ logged }) => (logged ? [logged.tick.symbol] : [])));
    await Promise.all([...symbols].map((symbol) => this.load(symbol)));
    const items: TickItem[] = [];
    const ready: string[] = [];
    for (const { id, logged } of fresh) {
      if (logged) {
        const { tick, key } = logged;
        const move = this.market.apply(tick, key);
        // Each tick's decisions are in the store before the next tick is evaluated: a decision the store refuses (an
        // earlier owner had recorded this tick already) brings the alert's state back to the stored one first.
        if (move) await this.engine.onMove(move);
        if (!seconds) items.push(toTickItem(tick, key));
        else {
          // Only once evaluated: an entry whose evaluation failed is read again and evaluated then.
          seconds.unacknowledged.add(id);
          for (const closed of seconds.aggregator.add(tick, key, this.now(), id)) handOut(seconds, closed);
          continue;
        }
      } else if (seconds) {
        seconds.unacknowledged.add(id);
        seconds.storing.push(id);
        continue;
      }
      ready.push(id);
    }
    if (!seconds) {
      await this.store(items);
      return ready;
    }
    return this.storeSeconds(seconds);
  }

  /** Stores the shard's seconds that are due; answers the ids that may be acknowledged now. */
  async flush(shard: number): Promise<string[]> {
    const seconds = this.seconds.get(shard);
    if (!seconds) return [];
    for (const closed of seconds.aggregator.flush(this.now())) handOut(seconds, closed);
    return this.storeSeconds(seconds);
  }

  acknowledged(shard: number, ids: readonly string[]): void {
    const seconds = this.seconds.get(shard);
    if (!seconds) return;
    const done = new Set(ids);
    seconds.stored = seconds.stored.filter(({ id }) => !done.has(id));
    const touched = new Set<string>();
    for (const id of ids) {
      seconds.unacknowledged.delete(id);
      const second = seconds.secondOf.get(id);
      if (second === undefined) continue;
      seconds.secondOf.delete(id);
      touched.add(second);
    }
    for (const second of touched) {
      const left = seconds.entriesOf.get(second)?.filter((id) => !done.has(id)) ?? [];
      if (left.length > 0) seconds.entriesOf.set(second, left);
      else seconds.entriesOf.delete(second);
    }
  }

  drop(shard: number): void {
    this.seconds.delete(shard);
  }

  /**
   * The shard was handed over: its open seconds are dropped unstored, for the next owner to rebuild, and its symbols
   * leave the engine (after what was decided for them is recorded).
   */
  async release(shard: number): Promise<void> {
    this.drop(shard);
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

  private secondsOf(shard: number): ShardSeconds | undefined {
    if (this.tickStore !== 'seconds') return undefined;
    let seconds = this.seconds.get(shard);
    if (!seconds) {
      seconds = {
        aggregator: new SecondAggregator<string>(),
        unacknowledged: new Set(),
        entriesOf: new Map(),
        secondOf: new Map(),
        unqueued: [],
        storing: [],
        stored: [],
      };
      this.seconds.set(shard, seconds);
    }
    return seconds;
  }

  /** Writes the items and waits until the store has them. */
  private async store(items: TickItem[]): Promise<void> {
    if (!this.queue.offer(items)) throw new Error('the tick write queue is full');
    if (!(await this.queue.drain(STORE_WAIT_MS))) throw new Error('the store did not take the ticks in time');
  }

  /**
   * Writes the seconds handed out and not queued yet; once the queue has drained, every entry of a second handed out
   * so far is stored. Answers those stored for ACK_HOLD_MS and not acknowledged yet.
   */
  private async storeSeconds(seconds: ShardSeconds): Promise<string[]> {
    const queued = this.queue.offer(seconds.unqueued);
    if (queued) seconds.unqueued = [];
    const storing = seconds.storing;
    if (!queued || !(await this.queue.drain(STORE_WAIT_MS)))
      throw new Error('the store did not take the ticks in time');
    seconds.storing = seconds.storing.slice(storing.length);
    const now = this.now();
    // An entry stored again (its second corrected) is held from now, not from its first store.
    const again = new Set(storing);
    seconds.stored = seconds.stored.filter(({ id }) => !again.has(id));
    for (const id of again) seconds.stored.push({ id, at: now });
    const due = seconds.stored.findIndex(({ at }) => now - at < ACK_HOLD_MS);
    return (due < 0 ? seconds.stored : seconds.stored.slice(0, due)).map(({ id }) => id);
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

/**
 * Queues a second handed out by the aggregator, with every unacknowledged entry of it: a first store's entries, or a
 * correction's together with the ones stored before, whose hold starts again.
 */
function handOut(seconds: ShardSeconds, closed: SecondItem<string>): void {
  const second = `${closed.item.symbol}|${closed.item.timestamp}`;
  const entries = [
    ...(seconds.entriesOf.get(second) ?? []).filter((id) => seconds.unacknowledged.has(id)),
    ...closed.tags,
  ];
  seconds.entriesOf.set(second, entries);
  for (const id of closed.tags) seconds.secondOf.set(id, second);
  seconds.unqueued.push(closed.item);
  seconds.storing.push(...entries);
}
