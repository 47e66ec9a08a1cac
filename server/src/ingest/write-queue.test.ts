import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest';
import { RetryGroup } from '../backoff.js';
import { WriteQueue, type WriteQueueOptions } from './write-queue.js';

interface PendingWrite<T> {
  batch: T[];
  /** Resolves the write, leaving `unprocessed` (default none) for the queue to retry. */
  resolve(unprocessed?: T[]): void;
  reject(err: unknown): void;
}

/** A fake store whose every write stays pending until the test settles it. */
function controllableStore<T>() {
  const calls: PendingWrite<T>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = vi.fn(
    (batch: T[]) =>
      new Promise<T[]>((resolve, reject) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        calls.push({
          batch: [...batch],
          resolve: (unprocessed = []) => {
            inFlight -= 1;
            resolve(unprocessed);
          },
          reject: (err) => {
            inFlight -= 1;
            reject(err);
          },
        });
      }),
  );
  return {
    calls,
    write,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    /** The i-th write call, asserting it exists. */
    call(i: number): PendingWrite<T> {
      const c = calls[i];
      if (!c) throw new Error(`expected write call #${i}, have ${calls.length}`);
      return c;
    },
  };
}

/** Lets the queue's promise continuations run (works with real and fake timers). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function makeQueue<T = number>(overrides: Partial<WriteQueueOptions<T>> & Pick<WriteQueueOptions<T>, 'write'>) {
  return new WriteQueue<T>({ capacity: 100, batchSize: 3, concurrency: 1, ...overrides });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('WriteQueue batching', () => {
  it('writes immediately on offer, splitting what is queued into batches of batchSize', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 3, concurrency: 10 });
    expect(queue.offer(range(0, 10))).toBe(true);
    expect(store.calls.map((c) => c.batch)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  it('never writes a batch larger than batchSize', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 25, concurrency: 2, capacity: 1_000 });
    queue.offer(range(0, 333));
    for (let i = 0; i < store.calls.length; i++) {
      store.call(i).resolve();
      await flush();
    }
    expect(store.calls.every((c) => c.batch.length <= 25)).toBe(true);
    expect(store.calls.flatMap((c) => c.batch)).toEqual(range(0, 333));
  });

  it('coalesces items offered while the store is busy into full batches, in offer order', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 3, concurrency: 1 });
    queue.offer([0]);
    queue.offer([1, 2]);
    queue.offer([3, 4, 5, 6]);
    queue.offer([7]);
    expect(store.calls.map((c) => c.batch)).toEqual([[0]]);
    store.call(0).resolve();
    await flush();
    expect(store.calls.map((c) => c.batch)).toEqual([[0], [1, 2, 3]]);
    store.call(1).resolve();
    await flush();
    store.call(2).resolve();
    await flush();
    expect(store.calls.map((c) => c.batch)).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
    store.call(3).resolve();
    await flush();
    expect(queue.size).toBe(0);
    expect(queue.stats().written).toBe(8);
  });

  it('passes the items themselves (not copies) in their original order', () => {
    const store = controllableStore<{ id: number }>();
    const queue = makeQueue<{ id: number }>({ write: store.write, batchSize: 10 });
    const items = [{ id: 1 }, { id: 2 }];
    queue.offer(items);
    expect(store.call(0).batch[0]).toBe(items[0]);
    expect(store.call(0).batch[1]).toBe(items[1]);
  });

  it('does not call write for an empty offer', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    expect(queue.offer([])).toBe(true);
    expect(store.write).not.toHaveBeenCalled();
  });
});

describe('WriteQueue concurrency', () => {
  it('keeps at most `concurrency` batches in flight', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 1, concurrency: 2 });
    queue.offer(range(0, 5));
    expect(store.calls).toHaveLength(2);
    expect(store.inFlight).toBe(2);
    await flush();
    expect(store.calls).toHaveLength(2);

    store.call(0).resolve();
    await flush();
    expect(store.calls).toHaveLength(3);
    expect(store.inFlight).toBe(2);

    store.call(2).resolve();
    store.call(1).resolve();
    await flush();
    expect(store.calls).toHaveLength(5);
    store.call(3).resolve();
    store.call(4).resolve();
    await flush();
    expect(store.maxInFlight).toBe(2);
    expect(queue.stats().written).toBe(5);
  });

  it.each([1, 3, 8])('never exceeds concurrency %i over a long run', async (concurrency) => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 4, concurrency, capacity: 1_000 });
    queue.offer(range(0, 200));
    let settled = 0;
    while (settled < store.calls.length) {
      expect(store.inFlight).toBeLessThanOrEqual(concurrency);
      store.call(settled).resolve();
      settled += 1;
      await flush();
    }
    expect(store.maxInFlight).toBe(concurrency);
    expect(store.calls.flatMap((c) => c.batch).sort((a, b) => a - b)).toEqual(range(0, 200));
    expect(queue.size).toBe(0);
  });

  it('starts a new batch as soon as any in-flight batch finishes, in whatever order they finish', async () => {
    const store = controllableStore<number>();
    makeQueue({ write: store.write, batchSize: 1, concurrency: 3 }).offer(range(0, 6));
    expect(store.calls.map((c) => c.batch)).toEqual([[0], [1], [2]]);
    store.call(2).resolve();
    await flush();
    expect(store.calls.map((c) => c.batch)).toEqual([[0], [1], [2], [3]]);
  });
});

describe('WriteQueue capacity and size', () => {
  it('accepts offers up to capacity and refuses the whole offer when it does not fit', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 5, batchSize: 10 });
    expect(queue.offer([1, 2, 3])).toBe(true);
    expect(queue.offer([4, 5, 6])).toBe(false);
    expect(queue.size).toBe(3);
    expect(queue.offer([4, 5])).toBe(true);
    expect(queue.size).toBe(5);
    expect(queue.offer([6])).toBe(false);
    expect(queue.size).toBe(5);
  });

  it('refuses nothing of a refused offer partially: none of its items are ever written', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 4, batchSize: 10 });
    queue.offer([1, 2, 3]);
    expect(queue.offer([100, 101])).toBe(false);
    store.call(0).resolve();
    await flush();
    expect(queue.offer([4])).toBe(true);
    store.call(1).resolve();
    await flush();
    expect(store.calls.flatMap((c) => c.batch)).toEqual([1, 2, 3, 4]);
  });

  it('refuses an offer larger than the whole capacity even when empty', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 3 });
    expect(queue.offer([1, 2, 3, 4])).toBe(false);
    expect(queue.size).toBe(0);
    expect(store.write).not.toHaveBeenCalled();
  });

  it('accepts an offer of exactly the capacity', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 3 });
    expect(queue.offer([1, 2, 3])).toBe(true);
  });

  it('counts in-flight items in size, so a busy store still fills the queue', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 10, batchSize: 2, concurrency: 1, now: () => 0 });
    queue.offer(range(0, 5));
    expect(store.call(0).batch).toEqual([0, 1]);
    expect(queue.size).toBe(5);
    expect(queue.stats()).toEqual({
      queued: 5,
      capacity: 10,
      inFlight: 2,
      written: 0,
      failedBatches: 0,
      deadLettered: 0,
      oldestAgeMs: 0,
    });
    expect(queue.hasRoomFor(5)).toBe(true);
    expect(queue.hasRoomFor(6)).toBe(false);
    store.call(0).resolve();
    await flush();
    expect(queue.size).toBe(3);
    expect(queue.stats()).toMatchObject({ queued: 3, inFlight: 2, written: 2 });
    expect(queue.hasRoomFor(7)).toBe(true);
    expect(queue.hasRoomFor(8)).toBe(false);
  });

  it('frees capacity only once items are written', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 2, batchSize: 2 });
    queue.offer([1, 2]);
    expect(queue.offer([3])).toBe(false);
    store.call(0).resolve();
    await flush();
    expect(queue.offer([3])).toBe(true);
  });

  it('reports hasRoomFor(0) as true even when full', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 1 });
    queue.offer([1]);
    expect(queue.hasRoomFor(0)).toBe(true);
    expect(queue.hasRoomFor(1)).toBe(false);
  });

  it('keeps size bounded by capacity with a store that never answers', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 50, batchSize: 5, concurrency: 4 });
    let accepted = 0;
    for (let i = 0; i < 1_000; i++) if (queue.offer([i])) accepted += 1;
    expect(accepted).toBe(50);
    expect(queue.size).toBe(50);
  });

  it('starts with empty stats', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 7 });
    expect(queue.size).toBe(0);
    expect(queue.stats()).toEqual({
      queued: 0,
      capacity: 7,
      inFlight: 0,
      written: 0,
      failedBatches: 0,
      deadLettered: 0,
      oldestAgeMs: 0,
    });
  });
});

describe('WriteQueue age', () => {
  it('reports how long the oldest unwritten item has waited, in flight, retried or refused alike', async () => {
    let now = 1_000;
    const store = controllableStore<number>();
    const queue = makeQueue({
      write: store.write,
      batchSize: 2,
      now: () => now,
      isPermanent: (err) => err === 'refused',
      backoff: { baseMs: 0, maxMs: 0 },
    });
    queue.offer([1, 2]);
    now = 1_200;
    queue.offer([3]);
    now = 1_500;
    expect(queue.stats().oldestAgeMs).toBe(500);
    // Left unprocessed: back in the queue with the time of the batch it came from.
    store.call(0).resolve([2]);
    await flush();
    await vi.waitFor(() => expect(store.calls.length).toBeGreaterThan(1));
    expect(queue.stats().oldestAgeMs).toBe(500);
    // Refused for good: its items are written alone, still as old.
    store.call(1).reject('refused');
    await flush();
    expect(queue.stats().oldestAgeMs).toBe(500);
    for (let i = 2; i < store.calls.length || queue.size > 0; i++) {
      await vi.waitFor(() => expect(store.calls.length).toBeGreaterThan(i));
      store.call(i).resolve();
      await flush();
    }
    expect(queue.stats()).toMatchObject({ queued: 0, oldestAgeMs: 0 });
  });

  it('keeps the oldest age when a newer batch fails after an older one and goes back in front of it', async () => {
    let now = 0;
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 1, concurrency: 2, now: () => now });
    queue.offer([1]);
    now = 100;
    queue.offer([2]);
    now = 300;
    store.call(0).reject(new Error('throttled'));
    await flush();
    store.call(1).reject(new Error('throttled'));
    await flush();
    expect(queue.stats()).toMatchObject({ queued: 2, oldestAgeMs: 300 });
  });
});

describe('WriteQueue retries of unprocessed items', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('retries items the store left unprocessed until they are written', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 5, backoff: { baseMs: 100, maxMs: 1_000 } });
    queue.offer([1, 2, 3, 4, 5]);
    store.call(0).resolve([2, 4]);
    await flush();
    expect(queue.stats()).toMatchObject({ written: 3, queued: 2, failedBatches: 0 });
    expect(store.calls).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(100);
    expect(store.calls).toHaveLength(2);
    expect(store.call(1).batch).toEqual([2, 4]);
    store.call(1).resolve([4]);
    await flush();
    expect(queue.stats()).toMatchObject({ written: 4, queued: 1 });

    await vi.advanceTimersByTimeAsync(200);
    expect(store.call(2).batch).toEqual([4]);
    store.call(2).resolve();
    await flush();
    expect(queue.stats()).toMatchObject({ written: 5, queued: 0, inFlight: 0, failedBatches: 0 });
  });

  it('writes nothing while waiting to retry, then puts the retried items ahead of newer ones', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({
      write: store.write,
      batchSize: 4,
      concurrency: 2,
      backoff: { baseMs: 100, maxMs: 1_000 },
    });
    queue.offer([1, 2]);
    store.call(0).resolve([1, 2]);
    await flush();
    queue.offer([3, 4, 5]);
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(40);
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(store.calls.map((c) => c.batch)).toEqual([[1, 2], [1, 2, 3, 4], [5]]);
  });

  it('counts unprocessed items as still queued, so they hold capacity', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, capacity: 3, batchSize: 3, backoff: { baseMs: 100, maxMs: 100 } });
    queue.offer([1, 2, 3]);
    store.call(0).resolve([3]);
    await flush();
    expect(queue.size).toBe(1);
    expect(queue.offer([4, 5, 6])).toBe(false);
    expect(queue.offer([4, 5])).toBe(true);
  });

  it('does not count unprocessed results as failed batches and does not call onError', async () => {
    const store = controllableStore<number>();
    const onError = vi.fn();
    const queue = makeQueue({ write: store.write, onError, backoff: { baseMs: 10, maxMs: 10 } });
    queue.offer([1]);
    store.call(0).resolve([1]);
    await flush();
    expect(queue.stats().failedBatches).toBe(0);
    expect(onError).not.toHaveBeenCalled();
  });

  it('eventually writes everything through a store that takes only one item per call', async () => {
    const written: number[] = [];
    const write = vi.fn(async (batch: number[]) => {
      const [first, ...rest] = batch;
      if (first !== undefined) written.push(first);
      return rest;
    });
    const queue = makeQueue({ write, batchSize: 10, capacity: 100, backoff: { baseMs: 1, maxMs: 4 } });
    queue.offer(range(0, 30));
    const drained = queue.drain(60_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(drained).resolves.toBe(true);
    expect(written).toEqual(range(0, 30));
    expect(queue.stats()).toMatchObject({ written: 30, queued: 0, failedBatches: 0 });
  });
});

describe('WriteQueue retries of failed writes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('retries a batch whose write throws, counts failedBatches and reports the error with its attempt number', async () => {
    const store = controllableStore<number>();
    const onError = vi.fn();
    const queue = makeQueue({ write: store.write, onError, batchSize: 5, backoff: { baseMs: 100, maxMs: 10_000 } });
    queue.offer([1, 2, 3]);
    const boom1 = new Error('throttled 1');
    store.call(0).reject(boom1);
    await flush();
    expect(queue.stats()).toMatchObject({ failedBatches: 1, written: 0, queued: 3, inFlight: 0 });
    expect(onError).toHaveBeenNthCalledWith(1, boom1, 1);

    await vi.advanceTimersByTimeAsync(100);
    expect(store.call(1).batch).toEqual([1, 2, 3]);
    const boom2 = new Error('throttled 2');
    store.call(1).reject(boom2);
    await flush();
    expect(onError).toHaveBeenNthCalledWith(2, boom2, 2);
    expect(queue.stats().failedBatches).toBe(2);

    await vi.advanceTimersByTimeAsync(200);
    expect(store.call(2).batch).toEqual([1, 2, 3]);
    store.call(2).resolve();
    await flush();
    expect(queue.stats()).toMatchObject({ failedBatches: 2, written: 3, queued: 0 });
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('treats a write that throws synchronously like a rejected one', async () => {
    let calls = 0;
    const written: number[] = [];
    const write = vi.fn((batch: number[]): Promise<number[]> => {
      calls += 1;
      if (calls === 1) throw new Error('sync failure');
      written.push(...batch);
      return Promise.resolve([]);
    });
    const onError = vi.fn();
    const queue = makeQueue({ write, onError, backoff: { baseMs: 10, maxMs: 10 } });
    expect(queue.offer([1, 2])).toBe(true);
    await flush();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'sync failure' }), 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(written).toEqual([1, 2]);
    expect(queue.stats()).toMatchObject({ written: 2, failedBatches: 1, queued: 0 });
  });

  it('works without an onError callback', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, backoff: { baseMs: 10, maxMs: 10 } });
    queue.offer([1]);
    store.call(0).reject(new Error('x'));
    await flush();
    expect(queue.stats().failedBatches).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    store.call(1).resolve();
    await flush();
    expect(queue.stats().written).toBe(1);
  });

  it('restarts the attempt count after a successful write', async () => {
    const store = controllableStore<number>();
    const onError = vi.fn();
    const queue = makeQueue({ write: store.write, onError, backoff: { baseMs: 10, maxMs: 10 } });
    queue.offer([1]);
    store.call(0).reject(new Error('a'));
    await flush();
    await vi.advanceTimersByTimeAsync(10);
    store.call(1).reject(new Error('b'));
    await flush();
    await vi.advanceTimersByTimeAsync(10);
    store.call(2).resolve();
    await flush();
    queue.offer([2]);
    store.call(3).reject(new Error('c'));
    await flush();
    expect(onError.mock.calls.map((c) => c[1])).toEqual([1, 2, 1]);
  });

  it('keeps retrying through many failures and finally writes every item exactly once', async () => {
    let failuresLeft = 7;
    const written: number[] = [];
    const onError = vi.fn();
    const write = vi.fn(async (batch: number[]) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('unavailable');
      }
      written.push(...batch);
      return [];
    });
    const queue = makeQueue({ write, onError, batchSize: 4, concurrency: 2, backoff: { baseMs: 5, maxMs: 40 } });
    queue.offer(range(0, 10));
    const drained = queue.drain(60_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(drained).resolves.toBe(true);
    expect(written.sort((a, b) => a - b)).toEqual(range(0, 10));
    expect(queue.stats()).toMatchObject({ written: 10, failedBatches: 7, queued: 0, inFlight: 0 });
    expect(onError).toHaveBeenCalledTimes(7);
  });

  it('backs off exponentially with jitter between half and all of the ceiling, capped at maxMs', async () => {
    // Math.random() = 0 picks the shortest delay, ceiling / 2.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, backoff: { baseMs: 100, maxMs: 800 } });
    queue.offer([1]);
    const expectedDelays = [50, 100, 200, 400, 400, 400];
    for (const [i, delay] of expectedDelays.entries()) {
      store.call(i).reject(new Error(`fail ${i}`));
      await flush();
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(store.calls).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(store.calls).toHaveLength(i + 2);
    }
    expect(queue.stats().failedBatches).toBe(expectedDelays.length);
  });

  it('waits at most the full ceiling when the jitter is at its maximum', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const store = controllableStore<number>();
    makeQueue({ write: store.write, backoff: { baseMs: 100, maxMs: 800 } }).offer([1]);
    store.call(0).reject(new Error('x'));
    await flush();
    // Somewhere in (ceiling / 2, ceiling]: not yet after 90 ms, done by 100 ms.
    await vi.advanceTimersByTimeAsync(90);
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(store.calls).toHaveLength(2);
  });

  it('uses a 50 ms base back-off by default', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const store = controllableStore<number>();
    makeQueue({ write: store.write }).offer([1]);
    store.call(0).reject(new Error('x'));
    await flush();
    await vi.advanceTimersByTimeAsync(45);
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5);
    expect(store.calls).toHaveLength(2);
  });

  it('schedules a single retry when several concurrent batches fail', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 1, concurrency: 3, backoff: { baseMs: 100, maxMs: 100 } });
    queue.offer([1, 2, 3]);
    store.call(0).reject(new Error('a'));
    store.call(1).reject(new Error('b'));
    store.call(2).reject(new Error('c'));
    await flush();
    expect(queue.stats()).toMatchObject({ failedBatches: 3, queued: 3 });
    await vi.advanceTimersByTimeAsync(50);
    expect(
      store.calls
        .slice(3)
        .map((c) => c.batch)
        .flat()
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(store.calls).toHaveLength(6);
  });
});

describe('WriteQueue with a write the store refuses for good', () => {
  class Refused extends Error {}
  const isPermanent = (err: unknown) => err instanceof Refused;

  /** A store that refuses any batch holding a negative number and writes everything else. */
  function pickyStore() {
    const written: number[] = [];
    const calls: number[][] = [];
    const write = vi.fn(async (batch: number[]) => {
      calls.push([...batch]);
      if (batch.some((n) => n < 0)) throw new Refused(`cannot hold ${batch.find((n) => n < 0)}`);
      written.push(...batch);
      return [];
    });
    return { written, calls, write };
  }

  it('isolates the one bad item, dead-letters it with the reason, and writes every other item', async () => {
    const store = pickyStore();
    const dead: [number, unknown][] = [];
    const queue = makeQueue({
      write: store.write,
      batchSize: 5,
      isPermanent,
      onDeadLetter: (item, err) => dead.push([item, err]),
    });
    queue.offer([1, 2, -3, 4, 5, 6, 7]);
    expect(await queue.drain(1_000)).toBe(true);
    expect(store.written.sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(dead.map(([item]) => item)).toEqual([-3]);
    expect(String(dead[0]![1])).toContain('cannot hold -3');
    expect(queue.stats()).toMatchObject({ queued: 0, deadLettered: 1 });
  });

  it('never blocks what comes behind a bad item, and keeps going after it', async () => {
    const store = pickyStore();
    const queue = makeQueue({ write: store.write, batchSize: 3, isPermanent });
    queue.offer([-1]);
    queue.offer([10, 11, 12]);
    expect(await queue.drain(1_000)).toBe(true);
    queue.offer([13]);
    expect(await queue.drain(1_000)).toBe(true);
    expect(store.written).toEqual([10, 11, 12, 13]);
    expect(queue.stats()).toMatchObject({ deadLettered: 1, queued: 0 });
  });

  it('does not retry or back off for a permanent refusal', async () => {
    const store = pickyStore();
    const onError = vi.fn();
    const queue = makeQueue({ write: store.write, batchSize: 2, isPermanent, onError });
    queue.offer([-1, 2]);
    expect(await queue.drain(1_000)).toBe(true);
    // The pair, then each item alone: three calls, none of them a retry.
    expect(store.calls).toEqual([[-1, 2], [-1], [2]]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('treats every error as transient without isPermanent', async () => {
    vi.useFakeTimers();
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 2 });
    queue.offer([1, 2]);
    store.call(0).reject(new Refused('no'));
    await flush();
    expect(queue.stats()).toMatchObject({ queued: 2, deadLettered: 0 });
  });
});

describe('WriteQueue retry after an outage', () => {
  it('retries at once when another writer of the same store succeeds, instead of waiting out its back-off', async () => {
    vi.useFakeTimers();
    const retries = new RetryGroup();
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, retries, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    queue.offer([1]);
    store.call(0).reject(new Error('store down'));
    await flush();
    expect(store.calls).toHaveLength(1);
    retries.succeeded();
    await flush();
    expect(store.calls).toHaveLength(2);
    store.call(1).resolve();
    await flush();
    expect(queue.stats()).toMatchObject({ queued: 0, written: 1 });
  });
});

describe('WriteQueue.drain', () => {
  it('resolves true at once when nothing is queued', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    await expect(queue.drain(0)).resolves.toBe(true);
  });

  it('resolves true once everything queued so far is written', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 2 });
    queue.offer([1, 2, 3]);
    let result: boolean | undefined;
    void queue.drain(60_000).then((r) => (result = r));
    await flush();
    expect(result).toBeUndefined();
    store.call(0).resolve();
    await flush();
    expect(result).toBeUndefined();
    store.call(1).resolve();
    await flush();
    expect(result).toBe(true);
  });

  it('resolves every concurrent drain() caller', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    queue.offer([1]);
    const a = queue.drain(60_000);
    const b = queue.drain(60_000);
    store.call(0).resolve();
    await expect(Promise.all([a, b])).resolves.toEqual([true, true]);
  });

  it('resolves false when the store does not finish within the timeout', async () => {
    vi.useFakeTimers();
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    queue.offer([1]);
    let result: boolean | undefined;
    void queue.drain(1_000).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(999);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('resolves false on timeout while writes keep failing', async () => {
    vi.useFakeTimers();
    const write = vi.fn(async (): Promise<number[]> => {
      throw new Error('down');
    });
    const queue = makeQueue({ write, backoff: { baseMs: 10, maxMs: 20 } });
    queue.offer([1, 2]);
    const drained = queue.drain(500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(drained).resolves.toBe(false);
    expect(write.mock.calls.length).toBeGreaterThan(1);
    queue.close();
  });

  it('clears its timeout timer once drained', async () => {
    vi.useFakeTimers();
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    queue.offer([1]);
    const drained = queue.drain(60_000);
    store.call(0).resolve();
    await expect(drained).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for retries of unprocessed items before resolving true', async () => {
    vi.useFakeTimers();
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, backoff: { baseMs: 100, maxMs: 100 } });
    queue.offer([1, 2]);
    let result: boolean | undefined;
    void queue.drain(60_000).then((r) => (result = r));
    store.call(0).resolve([2]);
    await flush();
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    store.call(1).resolve();
    await flush();
    expect(result).toBe(true);
  });
});

describe('WriteQueue.close', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('refuses offers after close', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    queue.close();
    expect(queue.offer([1])).toBe(false);
    expect(queue.size).toBe(0);
    expect(store.write).not.toHaveBeenCalled();
  });

  it('cancels a scheduled retry', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, backoff: { baseMs: 100, maxMs: 100 } });
    queue.offer([1]);
    store.call(0).reject(new Error('x'));
    await flush();
    queue.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not retry a batch that fails after close', async () => {
    const store = controllableStore<number>();
    const onError = vi.fn();
    const queue = makeQueue({ write: store.write, onError, backoff: { baseMs: 10, maxMs: 10 } });
    queue.offer([1]);
    queue.close();
    store.call(0).reject(new Error('late'));
    await flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.stats().failedBatches).toBe(1);
  });

  it('does not retry unprocessed items returned after close', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, backoff: { baseMs: 10, maxMs: 10 } });
    queue.offer([1, 2]);
    queue.close();
    store.call(0).resolve([2]);
    await flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.calls).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ written: 1 });
  });

  it('lets an in-flight batch finish and counts it as written', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 2 });
    queue.offer([1, 2, 3]);
    queue.close();
    store.call(0).resolve();
    await flush();
    expect(queue.stats().written).toBe(2);
    // The rest is abandoned: no further writes start.
    expect(store.calls).toHaveLength(1);
    expect(queue.size).toBe(1);
  });

  it('makes drain() time out (false) when items were abandoned', async () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write, batchSize: 1 });
    queue.offer([1, 2]);
    queue.close();
    store.call(0).resolve();
    const drained = queue.drain(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(drained).resolves.toBe(false);
  });

  it('is idempotent', () => {
    const store = controllableStore<number>();
    const queue = makeQueue({ write: store.write });
    queue.close();
    expect(() => queue.close()).not.toThrow();
  });
});

describe('WriteQueue with keyed items', () => {
  interface Version {
    key: string;
    v: number;
  }
  const keyed = (
    store: ReturnType<typeof controllableStore<Version>>,
    overrides: Partial<WriteQueueOptions<Version>> = {},
  ) =>
    new WriteQueue<Version>({
      write: store.write,
      capacity: 100,
      batchSize: 2,
      concurrency: 4,
      keyOf: (item) => item.key,
      ...overrides,
    });

  it('replaces a waiting version of a key with a newer one, in the older one’s place', () => {
    const store = controllableStore<Version>();
    const queue = keyed(store, { concurrency: 1 });
    queue.offer([{ key: 'a', v: 1 }]);
    queue.offer([
      { key: 'b', v: 1 },
      { key: 'c', v: 1 },
      { key: 'b', v: 2 },
    ]);
    expect(queue.size).toBe(3);
    store.calls[0]!.resolve();
    return vi.waitFor(() =>
      expect(store.calls[1]?.batch).toEqual([
        { key: 'b', v: 2 },
        { key: 'c', v: 1 },
      ]),
    );
  });

  it('holds a newer version back while an older one is being written, then writes it', async () => {
    const store = controllableStore<Version>();
    const queue = keyed(store);
    queue.offer([{ key: 'a', v: 1 }]);
    queue.offer([{ key: 'a', v: 2 }]);
    expect(store.calls).toHaveLength(1);
    store.calls[0]!.resolve();
    await vi.waitFor(() => expect(store.calls[1]?.batch).toEqual([{ key: 'a', v: 2 }]));
    store.calls[1]!.resolve();
    await queue.drain(1_000);
    expect(queue.size).toBe(0);
  });

  it('retries an unwritten key with its newest version, returned by the store as a copy', async () => {
    const store = controllableStore<Version>();
    const queue = keyed(store, { backoff: { baseMs: 1, maxMs: 1 } });
    queue.offer([{ key: 'a', v: 1 }]);
    queue.offer([{ key: 'a', v: 2 }]);
    store.calls[0]!.resolve([{ key: 'a', v: 1 }]);
    await vi.waitFor(() => expect(store.calls[1]?.batch).toEqual([{ key: 'a', v: 2 }]));
    store.calls[1]!.resolve();
    expect(await queue.drain(1_000)).toBe(true);
    expect(store.calls).toHaveLength(2);
  });

  it('writes the newest version of a key whose older one was dead-lettered', async () => {
    const store = controllableStore<Version>();
    const dead: Version[] = [];
    const queue = keyed(store, { isPermanent: () => true, onDeadLetter: (item) => dead.push(item) });
    queue.offer([{ key: 'a', v: 1 }]);
    queue.offer([{ key: 'a', v: 2 }]);
    store.calls[0]!.reject(new Error('too big'));
    await vi.waitFor(() => expect(store.calls[1]?.batch).toEqual([{ key: 'a', v: 2 }]));
    expect(dead).toEqual([{ key: 'a', v: 1 }]);
    store.calls[1]!.resolve();
    expect(await queue.drain(1_000)).toBe(true);
  });
});
