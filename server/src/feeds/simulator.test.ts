import { afterEach, describe, it, expect, vi } from 'vitest';
import { tickSchema, type Tick } from '@tickwatch/shared';
import { SimulatorFeed, type SimulatorOptions } from './simulator.js';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'TSLA', 'META', 'SPY'];

/** A clock that advances `stepMs` per call, starting at `start`. */
function steppingClock(start: number, stepMs: number): () => number {
  let t = start - stepMs;
  return () => (t += stepMs);
}

/** A clock that returns the given readings in turn, then repeats the last one. */
function scriptedClock(readings: number[]): () => number {
  let i = 0;
  return () => readings[Math.min(i++, readings.length - 1)]!;
}

function run(options: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'now'>, count: number): Tick[] {
  const ticks: Tick[] = [];
  const feed = new SimulatorFeed({ symbols: SYMBOLS, ticksPerSecond: 8, ...options }, (t) => ticks.push(t));
  for (let i = 0; i < count; i++) feed.emit();
  return ticks;
}

/** Well inside tickSchema's accepted window (not older than 2000, not more than 5 minutes ahead of now). */
function recentStart(): number {
  return Date.now() - 10 * 60_000;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SimulatorFeed reproducibility', () => {
  it('emits the same sequence for the same seed and clock', () => {
    const start = recentStart();
    const a = run({ seed: 'alpha', now: steppingClock(start, 7) }, 500);
    const b = run({ seed: 'alpha', now: steppingClock(start, 7) }, 500);
    expect(a).toHaveLength(500);
    expect(b).toEqual(a);
  });

  it('reproduces the sequence for unknown symbols too (their random start price is seeded)', () => {
    const start = recentStart();
    const opts = { symbols: ['ZZZ', 'QQQQ', 'AAPL'], seed: 's', ticksPerSecond: 8 };
    const a = run({ ...opts, now: steppingClock(start, 3) }, 200);
    const b = run({ ...opts, now: steppingClock(start, 3) }, 200);
    expect(b).toEqual(a);
  });

  it('emits a different sequence for a different seed', () => {
    const start = recentStart();
    const a = run({ seed: 'alpha', now: steppingClock(start, 7) }, 200);
    const b = run({ seed: 'beta', now: steppingClock(start, 7) }, 200);
    expect(b).not.toEqual(a);
    expect(b.map((t) => t.symbol)).not.toEqual(a.map((t) => t.symbol));
  });

  it('emits different sequences on each start when no seed is given', () => {
    const start = recentStart();
    const a = run({ now: steppingClock(start, 7) }, 200);
    const b = run({ now: steppingClock(start, 7) }, 200);
    expect(b).not.toEqual(a);
  });
});

describe('SimulatorFeed ticks', () => {
  const start = recentStart();
  const ticks = run({ seed: 'bulk', now: steppingClock(start, 5) }, 10_000);

  it('emits exactly one tick per emit() call', () => {
    expect(ticks).toHaveLength(10_000);
  });

  it('keeps prices positive and finite', () => {
    for (const t of ticks) {
      expect(Number.isFinite(t.price)).toBe(true);
      expect(t.price).toBeGreaterThan(0);
    }
  });

  it('rounds prices to whole cents', () => {
    for (const t of ticks) {
      expect(Number(t.price.toFixed(2))).toBe(t.price);
      expect(Math.round(t.price * 100) / 100).toBe(t.price);
    }
  });

  it('draws volumes as positive integers', () => {
    for (const t of ticks) {
      expect(Number.isInteger(t.volume)).toBe(true);
      expect(t.volume).toBeGreaterThanOrEqual(1);
    }
  });

  it('only emits the configured symbols, and all of them', () => {
    const seen = new Set(ticks.map((t) => t.symbol));
    expect([...seen].sort()).toEqual([...SYMBOLS].sort());
  });

  it('picks symbols roughly uniformly', () => {
    const counts = new Map<string, number>();
    for (const t of ticks) counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    for (const symbol of SYMBOLS) {
      const share = (counts.get(symbol) ?? 0) / ticks.length;
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThan(0.15);
    }
  });

  it('marks every tick with source "simulator"', () => {
    expect(ticks.every((t) => t.source === 'simulator')).toBe(true);
  });

  it('stamps ticks with the injected clock', () => {
    expect(ticks[0]!.timestamp).toBe(start + 5);
    expect(ticks.at(-1)!.timestamp).toBe(start + 5 * 10_000);
  });

  it('emits only ticks that pass the shared tickSchema', () => {
    for (const t of ticks) {
      const result = tickSchema.safeParse(t);
      if (!result.success) throw new Error(`invalid tick ${JSON.stringify(t)}: ${result.error.message}`);
      expect(result.data).toEqual(t);
    }
  });

  it('starts known symbols near their profile price', () => {
    const first = new Map<string, number>();
    for (const t of ticks) if (!first.has(t.symbol)) first.set(t.symbol, t.price);
    const profile: Record<string, number> = {
      AAPL: 228,
      MSFT: 415,
      NVDA: 135,
      AMZN: 205,
      GOOGL: 175,
      TSLA: 250,
      META: 570,
      SPY: 590,
    };
    for (const symbol of SYMBOLS) {
      expect(first.get(symbol)! / profile[symbol]!).toBeCloseTo(1, 1);
    }
  });

  it('moves prices as a walk (not constant)', () => {
    const aapl = ticks.filter((t) => t.symbol === 'AAPL').map((t) => t.price);
    expect(new Set(aapl).size).toBeGreaterThan(1);
  });
});

describe('SimulatorFeed prices over long simulated time', () => {
  it('keeps prices positive, finite and in cents when hours pass between ticks', () => {
    // One hour per tick for 10,000 ticks: large moves, but a geometric walk never reaches zero.
    const ticks = run({ seed: 'long', now: steppingClock(Date.UTC(2024, 0, 1), 3_600_000) }, 10_000);
    for (const t of ticks) {
      expect(Number.isFinite(t.price)).toBe(true);
      expect(t.price).toBeGreaterThan(0);
      expect(Number(t.price.toFixed(2))).toBe(t.price);
      expect(Number.isInteger(t.volume) && t.volume >= 1).toBe(true);
    }
  });

  it('starts unknown symbols at a price between 20 and 500', () => {
    const ticks = run({ symbols: ['ZZZ'], seed: 'u', now: steppingClock(recentStart(), 1) }, 1);
    expect(ticks[0]!.price).toBeGreaterThanOrEqual(19);
    expect(ticks[0]!.price).toBeLessThanOrEqual(505);
  });
});

describe('SimulatorFeed timestamps', () => {
  it('never goes backwards when the clock steps back', () => {
    const base = recentStart();
    // First reading is taken by the constructor.
    const clock = scriptedClock([base, base + 100, base + 50, base + 20, base + 200, base + 150, base + 201]);
    const ticks = run({ seed: 'x', now: clock }, 6);
    expect(ticks.map((t) => t.timestamp - base)).toEqual([100, 100, 100, 200, 200, 201]);
  });

  it('is non-decreasing and equals max(clock, previous) over a jittery clock', () => {
    const base = recentStart();
    let lcg = 12345;
    const readings: number[] = [base];
    for (let i = 0; i < 5_000; i++) {
      lcg = (lcg * 1_103_515_245 + 12_345) % 2 ** 31;
      // Mostly forwards, sometimes back by up to a second.
      const last = readings.at(-1)!;
      readings.push(last + Math.floor((lcg / 2 ** 31) * 1_500) - 1_000);
    }
    const ticks = run({ seed: 'jitter', now: scriptedClock(readings) }, 5_000);
    let high = 0;
    ticks.forEach((t, i) => {
      high = Math.max(high, readings[i + 1]!);
      expect(t.timestamp).toBe(high);
      if (i > 0) expect(t.timestamp).toBeGreaterThanOrEqual(ticks[i - 1]!.timestamp);
    });
  });

  it('allows several ticks in the same millisecond when the clock stands still', () => {
    const base = recentStart();
    const ticks = run({ seed: 'still', now: () => base }, 20);
    expect(ticks.every((t) => t.timestamp === base)).toBe(true);
    expect(ticks.every((t) => t.price > 0)).toBe(true);
  });
});

describe('SimulatorFeed status', () => {
  it('reports an idle simulator with no ticks before start', () => {
    const feed = new SimulatorFeed(
      { symbols: SYMBOLS, ticksPerSecond: 8, seed: 's', now: () => recentStart() },
      () => {},
    );
    expect(feed.status()).toEqual({ kind: 'simulator', state: 'idle', lastTickAt: null, ticks: 0, reconnects: 0 });
  });

  it('reports streaming after start and stopped after stop', async () => {
    const feed = new SimulatorFeed({ symbols: SYMBOLS, ticksPerSecond: 8, seed: 's' }, () => {});
    feed.start();
    expect(feed.status().state).toBe('streaming');
    await feed.stop();
    expect(feed.status().state).toBe('stopped');
  });

  it('counts emitted ticks and remembers the last tick time', () => {
    const base = recentStart();
    const feed = new SimulatorFeed(
      { symbols: SYMBOLS, ticksPerSecond: 8, seed: 's', now: steppingClock(base, 10) },
      () => {},
    );
    feed.emit();
    feed.emit();
    feed.emit();
    expect(feed.status()).toMatchObject({ ticks: 3, lastTickAt: base + 30, reconnects: 0, kind: 'simulator' });
  });

  it('can be started again after stop', async () => {
    const feed = new SimulatorFeed({ symbols: SYMBOLS, ticksPerSecond: 8, seed: 's' }, () => {});
    feed.start();
    await feed.stop();
    feed.start();
    expect(feed.status().state).toBe('streaming');
    await feed.stop();
    expect(feed.status().state).toBe('stopped');
  });

  it('tolerates stop() without start()', async () => {
    const feed = new SimulatorFeed({ symbols: SYMBOLS, ticksPerSecond: 8 }, () => {});
    await expect(feed.stop()).resolves.toBeUndefined();
    expect(feed.status().state).toBe('stopped');
  });
});

describe('SimulatorFeed timer-driven emission (fake timers)', () => {
  function startFake(ticksPerSecond: number) {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2025, 0, 2, 15, 0, 0));
    const ticks: Tick[] = [];
    const feed = new SimulatorFeed({ symbols: SYMBOLS, ticksPerSecond, seed: 't', now: () => Date.now() }, (t) =>
      ticks.push(t),
    );
    return { feed, ticks };
  }

  it('emits ticksPerSecond ticks per second of clock time at a low rate', async () => {
    const { feed, ticks } = startFake(10);
    feed.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ticks).toHaveLength(30);
    await feed.stop();
  });

  it('emits several ticks per timer firing at a high rate', async () => {
    const { feed, ticks } = startFake(2_000);
    feed.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks.length).toBeGreaterThanOrEqual(1_999);
    expect(ticks.length).toBeLessThanOrEqual(2_000);
    await feed.stop();
  });

  it('handles a fractional rate by carrying the remainder', async () => {
    const { feed, ticks } = startFake(0.5);
    feed.start();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(ticks).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(ticks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ticks).toHaveLength(6);
    await feed.stop();
  });

  it('does not double the rate when start() is called twice', async () => {
    const { feed, ticks } = startFake(10);
    feed.start();
    feed.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks).toHaveLength(10);
    await feed.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops emitting and clears its timer on stop()', async () => {
    const { feed, ticks } = startFake(10);
    feed.start();
    await vi.advanceTimersByTimeAsync(500);
    await feed.stop();
    const count = ticks.length;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ticks).toHaveLength(count);
    expect(feed.status()).toMatchObject({ state: 'stopped', ticks: count });
  });

  it('emits nothing before start()', async () => {
    const { feed, ticks } = startFake(10);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ticks).toHaveLength(0);
    expect(feed.status().ticks).toBe(0);
  });

  it('timer-driven ticks pass tickSchema and are stamped with the clock', async () => {
    const { feed, ticks } = startFake(50);
    feed.start();
    await vi.advanceTimersByTimeAsync(2_000);
    await feed.stop();
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect(tickSchema.safeParse(t).success).toBe(true);
    expect(ticks.at(-1)!.timestamp).toBe(Date.now());
  });
});
