import type { Tick } from '@tickwatch/shared';
import type { RetryGroup } from '../backoff.js';
import type { Logger } from '../log.js';
import type { MarketState, PriceMove } from '../market/market-state.js';
import type { MinuteBars } from '../market/minute-bars.js';
import { TickSequencer } from '../store/tick-sequencer.js';
import { isPermanentWriteError } from '../store/write-errors.js';
import { BATCH_WRITE_LIMIT, toTickItem, type TickItem, type TicksRepository } from '../store/ticks-repository.js';
import { WriteQueue, type WriteQueueStats } from './write-queue.js';

export type LiveTickListener = (move: PriceMove) => void;

export interface IngestResult {
  accepted: number;
}

/** The queue between ingestion and the ticks table, with its retries and dead-letter log. */
export function tickWriteQueue(
  repository: TicksRepository,
  options: { capacity: number; concurrency: number; retries: RetryGroup },
  log: Logger,
): WriteQueue<TickItem> {
  return new WriteQueue<TickItem>({
    write: (batch) => repository.batchPut(batch),
    capacity: options.capacity,
    concurrency: options.concurrency,
    batchSize: BATCH_WRITE_LIMIT,
    retries: options.retries,
    onError: (err, attempt) => {
      if (attempt === 1 || attempt % 20 === 0) log.warn({ err, attempt }, 'writing ticks to DynamoDB failed; retrying');
    },
    isPermanent: isPermanentWriteError,
    // The dead-letter log: the tick and why the store refused it, so an operator can see and replay it.
    onDeadLetter: (item, err) => log.error({ err, deadLetter: item }, 'the store refused a tick for good; dropped'),
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
 * gives each a storage key, queues it for DynamoDB, folds each queued one into the minute bars, applies it to the
 * market state and hands each live move to listeners (the socket fan-out and the alert engine). Nothing here waits
 * for DynamoDB.
 */
export class TickPipeline implements TickIntake {
  private readonly sequencer = new TickSequencer();
  private readonly queue: WriteQueue<TickItem>;
  private readonly listeners = new Set<LiveTickListener>();
  private dropped = 0;

  constructor(
    private readonly market: MarketState,
    private readonly bars: MinuteBars,
    repository: TicksRepository,
    options: { capacity: number; concurrency: number; retries: RetryGroup },
    private readonly log: Logger,
  ) {
    this.queue = tickWriteQueue(repository, options, log);
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
    if (!this.queue.hasRoomFor(ticks.length)) {
      throw new PersistenceFullError(`persistence queue is full (${this.queue.stats().capacity} ticks)`);
    }
    const items = ticks.map((tick) => toTickItem(tick, this.sequencer.next(tick.symbol, tick.timestamp)));
    this.queue.offer(items);
    for (const [i, tick] of ticks.entries()) {
      this.bars.add(tick, items[i]!.timestamp);
      this.publish(tick, items[i]!.timestamp);
    }
    return { accepted: ticks.length };
  }

  /**
   * For streaming feeds, which cannot be asked to resend: when the store has fallen too far behind the tick is
   * still shown live but not stored, and counted as dropped.
   */
  ingestLive(tick: Tick): void {
    const item = toTickItem(tick, this.sequencer.next(tick.symbol, tick.timestamp));
    // The minute bars hold what the store will: not a tick it never gets.
    if (this.queue.offer([item])) this.bars.add(tick, item.timestamp);
    else {
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 10_000 === 0) {
        this.log.warn({ dropped: this.dropped }, 'persistence queue full; feed ticks are not being stored');
      }
    }
    this.publish(tick, item.timestamp);
  }

  stats(): WriteQueueStats & { dropped: number } {
    return { ...this.queue.stats(), dropped: this.dropped };
  }

  /** Waits up to `timeoutMs` for queued ticks to reach the store, then stops writing; says how many it stored. */
  async close(timeoutMs: number): Promise<{ stored: number; left: number }> {
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

  private publish(tick: Tick, key: number): void {
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
