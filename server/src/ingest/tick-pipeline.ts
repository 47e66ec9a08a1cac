import type { Tick } from '@tickwatch/shared';
import type { RetryGroup } from '../backoff.js';
import type { TickStoreMode } from '../config.js';
import type { Logger } from '../log.js';
import type { MarketState, PriceMove } from '../market/market-state.js';
import type { MinuteBars } from '../market/minute-bars.js';
import { SecondAggregator } from '../store/second-aggregator.js';
import { TickSequencer } from '../store/tick-sequencer.js';
import { isPermanentWriteError } from '../store/write-errors.js';
import { BATCH_WRITE_LIMIT, toTickItem, type TickItem, type TicksRepository } from '../store/ticks-repository.js';
import type { TickCounts } from './tick-counts.js';
import { WriteQueue, type WriteQueueStats } from './write-queue.js';

export type LiveTickListener = (move: PriceMove) => void;

/** Learns of every trade that reaches the market state, live or late (market/feed-health.ts). */
export interface TradeRecorder {
  recordTrade(symbol: string, at: number, now: number): void;
}

/** How often due seconds are closed and queued (TICK_STORE=seconds). */
export const SECOND_FLUSH_MS = 250;

export interface IngestResult {
  accepted: number;
}

/**
 * Stored seconds whose trade counts are remembered, so a second rewritten by a late trade counts only that trade: a
 * few minutes' worth of a busy market's seconds (about 10 MB). A second rewritten after more than this many others
 * were stored counts its earlier trades again.
 */
const REMEMBERED_SECONDS = 131_072;

/** How ticks are written, wherever they are stored from: the pipeline, or a cluster's shard owner. */
export interface PersistenceOptions {
  capacity: number;
  concurrency: number;
  retries: RetryGroup;
  tickStore: TickStoreMode;
  /** Learns what becomes of ticks: trades stored and dead-lettered, and where ticks come in, received and accepted. */
  counts?: TickCounts;
}

/**
 * The queue between ingestion and the ticks table, with its retries and dead-letter log. `counts` learns the trades
 * stored (a second's trades once, however often a late trade makes it rewritten) and dead-lettered.
 */
export function tickWriteQueue(
  repository: TicksRepository,
  options: PersistenceOptions,
  log: Logger,
): WriteQueue<TickItem> {
  const { counts } = options;
  const keyOf = (item: TickItem) => `${item.symbol}|${item.timestamp}`;
  const storedTrades = new Map<string, number>();
  const stored = (item: TickItem) => {
    if (item.trades === undefined) return counts?.add('stored', item.source);
    const key = keyOf(item);
    // Never below zero: a counter that went down would read as a restart of the process.
    counts?.add('stored', item.source, Math.max(0, item.trades - (storedTrades.get(key) ?? 0)));
    storedTrades.delete(key);
    storedTrades.set(key, item.trades);
    if (storedTrades.size > REMEMBERED_SECONDS) storedTrades.delete(storedTrades.keys().next().value!);
  };
  return new WriteQueue<TickItem>({
    write: async (batch) => {
      const left = await repository.batchPut(batch);
      if (counts && left.length === 0) for (const item of batch) stored(item);
      else if (counts) {
        const unwritten = new Set(left.map(keyOf));
        for (const item of batch) if (!unwritten.has(keyOf(item))) stored(item);
      }
      return left;
    },
    capacity: options.capacity,
    concurrency: options.concurrency,
    batchSize: BATCH_WRITE_LIMIT,
    retries: options.retries,
    onError: (err, attempt) => {
      if (attempt === 1 || attempt % 20 === 0) log.warn({ err, attempt }, 'writing ticks to DynamoDB failed; retrying');
    },
    isPermanent: isPermanentWriteError,
    // A stored second is written again when a late trade corrects it: the newer version must land last. A trade's key
    // is its own, so per trade there is nothing to keep in order.
    ...(options.tickStore === 'seconds' ? { keyOf } : {}),
    // The dead-letter log: the tick and why the store refused it, so an operator can see and replay it.
    onDeadLetter: (item, err) => {
      counts?.add('dead_lettered', item.source, item.trades ?? 1);
      log.error({ err, deadLetter: item }, 'the store refused a tick for good; dropped');
    },
  });
}

/** How the HTTP API hands ticks in: the pipeline itself, or in a cluster the tick log (cluster/tick-log.ts). */
export interface TickIntake {
  ingest(ticks: readonly Tick[]): IngestResult | Promise<IngestResult>;
}

/** Nothing of a batch was taken; the client may send the same batch again later (HTTP 503). */
export abstract class IngestUnavailableError extends Error {
  /** What the client is told. */
  abstract readonly publicMessage: string;
}

export class PersistenceFullError extends IngestUnavailableError {
  override name = 'PersistenceFullError';
  readonly publicMessage = 'The store is behind and cannot take more ticks right now; retry the same batch shortly';
}

/**
 * The one way in for ticks from every source (simulator, Polygon, HTTP). Ticks arrive validated; the pipeline
 * gives each a storage key, queues it for DynamoDB (with TICK_STORE=seconds, folded into its second's item, queued
 * when the second closes), folds each one taken into the minute bars, applies it to the market state and hands each
 * live move to listeners (the socket fan-out and the alert engine). Nothing here waits for DynamoDB.
 */
export class TickPipeline implements TickIntake {
  private readonly sequencer = new TickSequencer();
  private readonly queue: WriteQueue<TickItem>;
  private readonly listeners = new Set<LiveTickListener>();
  /** With TICK_STORE=seconds: the seconds still taking trades. */
  private readonly seconds: SecondAggregator | undefined;
  private readonly flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly counts: TickCounts | undefined;
  private readonly trades: TradeRecorder | undefined;
  private dropped = 0;

  constructor(
    private readonly market: MarketState,
    private readonly bars: MinuteBars,
    repository: TicksRepository,
    /**
     * `counts`: feed ticks received, accepted and dropped here too (HTTP batches are counted by their route).
     * `trades`: told of every trade shown, whichever way it came in (feed health).
     */
    options: PersistenceOptions & { now?: () => number; trades?: TradeRecorder },
    private readonly log: Logger,
  ) {
    this.queue = tickWriteQueue(repository, options, log);
    this.counts = options.counts;
    this.trades = options.trades;
    this.now = options.now ?? Date.now;
    if (options.tickStore === 'seconds') {
      const seconds = new SecondAggregator();
      this.seconds = seconds;
      this.flushTimer = setInterval(
        () => this.queue.offer(seconds.flush(this.now()).map(({ item }) => item)),
        SECOND_FLUSH_MS,
      );
      this.flushTimer.unref();
    }
  }

  onLiveTick(listener: LiveTickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Ingests a batch all-or-nothing as far as storage goes: when the queue cannot hold all of it, nothing is
   * taken and PersistenceFullError is thrown, so an HTTP client can retry the same batch later.
   */
  ingest(ticks: readonly Tick[]): IngestResult {
    if (!this.hasRoomFor(ticks.length)) {
      throw new PersistenceFullError(`persistence queue is full (${this.queue.stats().capacity} ticks)`);
    }
    const keys = ticks.map((tick) => this.sequencer.next(tick.symbol, tick.timestamp));
    this.queue.offer(this.itemsOf(ticks, keys));
    for (const [i, tick] of ticks.entries()) {
      this.bars.add(tick, keys[i]!);
      this.publish(tick, keys[i]!);
    }
    return { accepted: ticks.length };
  }

  /**
   * For streaming feeds, which cannot be asked to resend: when the store has fallen too far behind the tick is
   * still shown live but not stored, and counted as dropped.
   */
  ingestLive(tick: Tick): void {
    const key = this.sequencer.next(tick.symbol, tick.timestamp);
    this.counts?.add('received', tick.source);
    // The minute bars hold what the store will: not a tick it never gets.
    if (this.hasRoomFor(1)) {
      if (!this.seconds) this.queue.offer([toTickItem(tick, key)]);
      else {
        const closed = this.seconds.add(tick, key, this.now());
        if (closed.length > 0) this.queue.offer(closed.map(({ item }) => item));
      }
      this.bars.add(tick, key);
      this.counts?.add('accepted', tick.source);
    } else {
      this.dropped += 1;
      this.counts?.add('dropped', tick.source);
      if (this.dropped === 1 || this.dropped % 10_000 === 0) {
        this.log.warn({ dropped: this.dropped }, 'persistence queue full; feed ticks are not being stored');
      }
    }
    this.publish(tick, key);
  }

  /** `queued` counts the open seconds too: items on their way to the store, as the room check does. */
  stats(): WriteQueueStats & { dropped: number } {
    const stats = this.queue.stats();
    return { ...stats, queued: stats.queued + (this.seconds?.openSeconds ?? 0), dropped: this.dropped };
  }

  /**
   * Queues the open seconds, waits up to `timeoutMs` for queued ticks to reach the store, then stops writing; says how
   * many items it stored.
   */
  async close(timeoutMs: number): Promise<{ stored: number; left: number }> {
    clearInterval(this.flushTimer);
    if (this.seconds) this.queue.offer(this.seconds.flushAll().map(({ item }) => item));
    const queued = this.queue.size;
    await this.queue.drain(timeoutMs);
    this.queue.close();
    const left = this.queue.size;
    if (left > 0) this.log.warn({ left }, 'shut down before every tick was stored');
    return { stored: queued - left, left };
  }

  /**
   * Ticks another part stores and evaluates (a cluster's shard owner): folded into the minute bars under the key the
   * store gets them with, and shown live.
   */
  show(ticks: readonly { tick: Tick; key: number }[]): void {
    for (const { tick, key } of ticks) {
      this.bars.add(tick, key);
      this.publish(tick, key);
    }
  }

  /**
   * Whether `count` more trades can be taken. Each may close or correct one second, and the open seconds are kept
   * room for, so what a flush hands out always fits.
   */
  private hasRoomFor(count: number): boolean {
    return this.queue.hasRoomFor(count + (this.seconds?.openSeconds ?? 0));
  }

  /** What the store is given for these trades: each as an item, or the seconds they closed or corrected. */
  private itemsOf(ticks: readonly Tick[], keys: readonly number[]): TickItem[] {
    const seconds = this.seconds;
    if (!seconds) return ticks.map((tick, i) => toTickItem(tick, keys[i]!));
    const now = this.now();
    return ticks.flatMap((tick, i) => seconds.add(tick, keys[i]!, now).map(({ item }) => item));
  }

  private publish(tick: Tick, key: number): void {
    this.trades?.recordTrade(tick.symbol, tick.timestamp, this.now());
    // A late tick (older than the latest we have) is history, not a price move: stored, not broadcast.
    const move = this.market.apply(tick, key);
    if (!move) return;
    for (const listener of this.listeners) {
      try {
        listener(move);
      } catch (err) {
        this.log.error({ err }, 'live tick listener failed');
      }
    }
  }
}
