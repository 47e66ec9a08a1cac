import { backoffDelay, type BackoffPolicy } from '../backoff.js';

/**
 * A bounded queue between ingestion and DynamoDB. Ingestion never waits for the store: it offers items and gets
 * an immediate yes or no. Up to `concurrency` batches are written at once; items the store leaves unprocessed or
 * fails to take are retried with exponential back-off and jitter, ahead of newer items, until they are written.
 * When the queue is full the caller decides what to do (the HTTP API answers 503, feeds count a drop), so memory
 * stays bounded however slow the store is.
 */
export interface WriteQueueOptions<T> {
  /** Writes one batch; resolves with the items the store did not take. */
  write(batch: T[]): Promise<T[]>;
  capacity: number;
  batchSize: number;
  concurrency: number;
  onError?: (err: unknown, attempt: number) => void;
  backoff?: BackoffPolicy;
}

export interface WriteQueueStats {
  queued: number;
  capacity: number;
  inFlight: number;
  written: number;
  failedBatches: number;
}

export class WriteQueue<T> {
  private readonly pending: T[] = [];
  private head = 0;
  private inFlightItems = 0;
  private inFlightBatches = 0;
  private written = 0;
  private failedBatches = 0;
  private consecutiveFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: WriteQueueOptions<T>) {}

  /** Items waiting or being written. */
  get size(): number {
    return this.pending.length - this.head + this.inFlightItems;
  }

  hasRoomFor(count: number): boolean {
    return this.size + count <= this.options.capacity;
  }

  /** Queues all of `items`, or none of them when they do not fit. */
  offer(items: readonly T[]): boolean {
    if (this.closed || !this.hasRoomFor(items.length)) return false;
    for (const item of items) this.pending.push(item);
    this.pump();
    return true;
  }

  stats(): WriteQueueStats {
    return {
      queued: this.size,
      capacity: this.options.capacity,
      inFlight: this.inFlightItems,
      written: this.written,
      failedBatches: this.failedBatches,
    };
  }

  /** Resolves once everything queued so far is written, or after `timeoutMs`; returns whether it drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return drained;
  }

  /** Stops accepting items and retrying; what is still queued is abandoned. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private pump(): void {
    while (
      !this.closed &&
      this.retryTimer === undefined &&
      this.inFlightBatches < this.options.concurrency &&
      this.pending.length > this.head
    ) {
      const end = Math.min(this.head + this.options.batchSize, this.pending.length);
      const batch = this.pending.slice(this.head, end);
      this.head = end;
      this.compact();
      void this.writeBatch(batch);
    }
    if (this.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async writeBatch(batch: T[]): Promise<void> {
    this.inFlightBatches += 1;
    this.inFlightItems += batch.length;
    let left: T[];
    try {
      left = await this.options.write(batch);
      if (left.length === 0) this.consecutiveFailures = 0;
    } catch (err) {
      this.failedBatches += 1;
      this.options.onError?.(err, this.consecutiveFailures + 1);
      left = batch;
    }
    this.inFlightBatches -= 1;
    this.inFlightItems -= batch.length;
    this.written += batch.length - left.length;
    if (left.length > 0) {
      // Unwritten items go back to the front: the oldest ticks are the ones closest to being lost.
      this.pending.splice(this.head, 0, ...left);
      this.scheduleRetry();
    }
    this.pump();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.consecutiveFailures += 1;
    const delay = backoffDelay(this.consecutiveFailures, this.options.backoff ?? { baseMs: 50, maxMs: 5_000 });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }

  /** Drops consumed slots now and then so the array does not grow forever. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }
}
