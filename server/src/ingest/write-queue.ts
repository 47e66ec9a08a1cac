import { RetryGroup, backoffDelay, type BackoffPolicy } from '../backoff.js';

/**
 * A bounded queue between ingestion and DynamoDB. Ingestion never waits for the store: it offers items and gets
 * an immediate yes or no. Up to `concurrency` batches are written at once; items the store leaves unprocessed or
 * fails to take are retried with exponential back-off and jitter, ahead of newer items, until they are written.
 * A batch the store refuses for good (`isPermanent`: an item it can never hold) is split into single-item writes
 * so the bad item is found; that one goes to the dead-letter callback and nothing behind it waits.
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
  /** Whether an error says the batch can never be written as it is (default: none is). */
  isPermanent?: (err: unknown) => boolean;
  /** An item the store refused for good; it is dropped after this. */
  onDeadLetter?: (item: T, err: unknown) => void;
  /** Shared with the store's other writers: a success anywhere ends this queue's back-off early. */
  retries?: RetryGroup;
  /**
   * The store key of an item, for items that replace earlier ones (a stored second corrected by a late trade). The
   * queue then holds one version per key: a newer one offered while the older waits takes its place, and one offered
   * while the older is being written waits for that write, so an older version can never land after a newer one.
   */
  keyOf?: (item: T) => string;
  /** The clock items are timed by (default Date.now). */
  now?: () => number;
}

export interface WriteQueueStats {
  queued: number;
  capacity: number;
  inFlight: number;
  written: number;
  failedBatches: number;
  /** Items the store refused for good and that were dropped. */
  deadLettered: number;
  /** How long the oldest item still waiting or being written has been in the queue; 0 when it is empty. */
  oldestAgeMs: number;
}

export class WriteQueue<T> {
  private readonly pending: T[] = [];
  /** When each pending item was offered, index for index (a retried item keeps its batch's oldest time). */
  private readonly pendingAt: number[] = [];
  private head = 0;
  /** Items of a refused batch, written one per call to find the one the store cannot hold; they go first. */
  private solo: T[] = [];
  private soloAt: number[] = [];
  /** The oldest offer time of each batch being written. */
  private readonly inFlightSince = new Set<{ at: number }>();
  private readonly now: () => number;
  private deadLettered = 0;
  private readonly retries: RetryGroup;
  private inFlightItems = 0;
  private inFlightBatches = 0;
  private written = 0;
  private failedBatches = 0;
  private consecutiveFailures = 0;
  private waitingToRetry = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /** With `keyOf`: the newest version of every key waiting or being written. */
  private readonly versions = new Map<string, T>();

  constructor(private readonly options: WriteQueueOptions<T>) {
    this.retries = options.retries ?? new RetryGroup();
    this.now = options.now ?? Date.now;
  }

  /** Items waiting or being written. */
  get size(): number {
    return this.pending.length - this.head + this.solo.length + this.inFlightItems;
  }

  hasRoomFor(count: number): boolean {
    return this.size + count <= this.options.capacity;
  }

  /** Queues all of `items`, or none of them when they do not fit. */
  offer(items: readonly T[]): boolean {
    if (this.closed || !this.hasRoomFor(items.length)) return false;
    const keyOf = this.options.keyOf;
    const at = this.now();
    for (const item of items) {
      if (keyOf) {
        const key = keyOf(item);
        const queued = this.versions.has(key);
        this.versions.set(key, item);
        if (queued) continue;
      }
      this.pending.push(item);
      this.pendingAt.push(at);
    }
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
      deadLettered: this.deadLettered,
      oldestAgeMs: this.oldestAgeMs(),
    };
  }

  private oldestAgeMs(): number {
    let oldest = Math.min(this.pendingAt[this.head] ?? Infinity, ...this.soloAt);
    for (const batch of this.inFlightSince) oldest = Math.min(oldest, batch.at);
    return oldest === Infinity ? 0 : Math.max(0, this.now() - oldest);
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
    this.waitingToRetry = false;
  }

  private pump(): void {
    while (
      !this.closed &&
      !this.waitingToRetry &&
      this.inFlightBatches < this.options.concurrency &&
      (this.solo.length > 0 || this.pending.length > this.head)
    ) {
      if (this.solo.length > 0) {
        void this.writeBatch([this.newest(this.solo.shift()!)], this.soloAt.shift()!);
        continue;
      }
      const end = Math.min(this.head + this.options.batchSize, this.pending.length);
      const batch = this.pending.slice(this.head, end).map((item) => this.newest(item));
      const at = this.pendingAt[this.head]!;
      this.head = end;
      this.compact();
      void this.writeBatch(batch, at);
    }
    if (this.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async writeBatch(batch: T[], at: number): Promise<void> {
    const since = { at };
    this.inFlightSince.add(since);
    this.inFlightBatches += 1;
    this.inFlightItems += batch.length;
    let left: T[];
    try {
      left = await this.options.write(batch);
      if (left.length === 0) this.consecutiveFailures = 0;
      this.retries.succeeded();
    } catch (err) {
      this.failedBatches += 1;
      if (this.options.isPermanent?.(err)) {
        this.inFlightSince.delete(since);
        this.inFlightBatches -= 1;
        this.inFlightItems -= batch.length;
        this.refused(batch, at, err);
        this.pump();
        return;
      }
      this.options.onError?.(err, this.consecutiveFailures + 1);
      left = batch;
    }
    this.inFlightSince.delete(since);
    this.inFlightBatches -= 1;
    this.inFlightItems -= batch.length;
    this.written += batch.length - left.length;
    const again = this.superseded(batch, left);
    if (left.length > 0) {
      // Unwritten items go back to the front: the oldest ticks are the ones closest to being lost.
      this.requeue(left, at);
      this.scheduleRetry();
    }
    this.requeue(again, at);
    this.pump();
  }

  /** With `keyOf`, the newest version of the item's key: what a write takes. */
  private newest(item: T): T {
    return this.options.keyOf ? (this.versions.get(this.options.keyOf(item)) ?? item) : item;
  }

  /**
   * After a write: the keys of written items are done, unless a newer version came meanwhile, which is returned to be
   * written in turn. Items left unwritten keep their keys.
   */
  private superseded(batch: readonly T[], left: readonly T[]): T[] {
    const keyOf = this.options.keyOf;
    if (!keyOf) return [];
    // The store hands unwritten items back as copies: they are known by key.
    const unwritten = new Set(left.map(keyOf));
    const again: T[] = [];
    for (const item of batch) {
      const key = keyOf(item);
      if (unwritten.has(key)) continue;
      const newest = this.versions.get(key);
      if (newest === item) this.versions.delete(key);
      else if (newest !== undefined) again.push(newest);
    }
    return again;
  }

  /** A batch the store refuses for good: split it to find the bad item, or drop that item once it is alone. */
  private refused(batch: T[], at: number, err: unknown): void {
    if (batch.length > 1) {
      this.solo = [...batch, ...this.solo];
      this.soloAt = [...batch.map(() => at), ...this.soloAt];
      return;
    }
    this.deadLettered += 1;
    this.options.onDeadLetter?.(batch[0]!, err);
    this.requeue(this.superseded(batch, []), at);
  }

  /**
   * Items back at the front of the queue, timed as the batch they came from, or as what they now stand before when
   * that is older: the front's time stays the oldest in the queue, which is all `oldestAgeMs` reads.
   */
  private requeue(items: readonly T[], at: number): void {
    if (items.length === 0) return;
    const time = Math.min(at, this.pendingAt[this.head] ?? at);
    this.pending.splice(this.head, 0, ...items);
    this.pendingAt.splice(this.head, 0, ...items.map(() => time));
  }

  private scheduleRetry(): void {
    if (this.waitingToRetry || this.closed) return;
    this.consecutiveFailures += 1;
    this.waitingToRetry = true;
    const delay = backoffDelay(this.consecutiveFailures, this.options.backoff ?? { baseMs: 50, maxMs: 5_000 });
    void this.retries.wait(delay).then(() => {
      if (!this.waitingToRetry) return;
      this.waitingToRetry = false;
      this.pump();
    });
  }

  /** Drops consumed slots now and then so the array does not grow forever. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.pendingAt.splice(0, this.head);
      this.head = 0;
    }
  }
}
