import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { RollingExtreme, moveWindow } from './rolling-extreme.js';

/** Every tick kept, the window scanned in full: what the deque must agree with. */
function naiveExtreme(ticks: readonly [number, number][], windowMs: number, kind: 'min' | 'max'): number {
  const now = ticks[ticks.length - 1]![0];
  let extreme = kind === 'min' ? Infinity : -Infinity;
  for (let i = ticks.length - 1; i >= 0 && ticks[i]![0] >= now - windowMs; i--) {
    extreme = kind === 'min' ? Math.min(extreme, ticks[i]![1]) : Math.max(extreme, ticks[i]![1]);
  }
  return extreme;
}

describe('RollingExtreme', () => {
  it('has no extreme before its first tick', () => {
    expect(new RollingExtreme(60_000, 'min').current()).toBeUndefined();
  });

  it('keeps the low of the window, the tick exactly windowMs old included, and forgets older ones', () => {
    const low = new RollingExtreme(60_000, 'min');
    expect(low.push(0, 100)).toBe(100);
    expect(low.push(30_000, 102)).toBe(100);
    expect(low.push(60_000, 103)).toBe(100);
    expect(low.push(60_001, 104)).toBe(102);
    expect(low.push(120_001, 101)).toBe(101);
    expect(low.current()).toBe(101);
  });

  it('keeps the high for a down move', () => {
    const high = moveWindow({ direction: 'down', window_minutes: 1 });
    expect(high.kind).toBe('max');
    expect(high.windowMs).toBe(60_000);
    expect(high.push(0, 100)).toBe(100);
    expect(high.push(1_000, 99)).toBe(100);
    expect(high.push(61_000, 98)).toBe(99);
  });

  it('agrees with scanning the window, over seeded random walks with equal prices, bursts and gaps', () => {
    let disagreements = 0;
    for (let seed = 0; seed < 12; seed++) {
      const random = seedrandom(`rolling-extreme-${seed}`);
      const windowMs = [1_000, 60_000, 300_000][seed % 3]!;
      const windows = { min: new RollingExtreme(windowMs, 'min'), max: new RollingExtreme(windowMs, 'max') };
      const ticks: [number, number][] = [];
      let time = 0;
      let price = 100;
      for (let step = 0; step < 3000; step++) {
        const roll = random();
        // Same-millisecond trades, ordinary spacing, and now and then a silence longer than the window.
        time += roll < 0.1 ? 0 : roll < 0.98 ? Math.floor(random() * 5_000) : windowMs * 2;
        price = Math.max(1, price + (Math.floor(random() * 5) - 2) * 0.5);
        ticks.push([time, price]);
        for (const kind of ['min', 'max'] as const) {
          if (windows[kind].push(time, price) !== naiveExtreme(ticks, windowMs, kind)) disagreements++;
        }
      }
    }
    expect(disagreements).toBe(0);
  });
});
