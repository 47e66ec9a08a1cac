import { describe, expect, it } from 'vitest';
import { percentile, windowSummary } from './report.js';
import type { KillReport } from './verdict.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('windowSummary', () => {
  it('gives p50 and max of what each kill lost', () => {
    const kill = (ticksLost: number, exposureMs: number, fires = 0): KillReport => ({
      epoch: 0,
      windowTicks: ticksLost * 2,
      windowMs: exposureMs * 2,
      ticksLost,
      exposureMs,
      firesLost: { tick_lost: fires, unconfirmed: 1, decision_queued: 0, rearm_lost: 0, outside: 0 },
      oldestFireLostMs: 0,
    });
    const summary = windowSummary([kill(0, 0), kill(30, 12, 5), kill(10, 4, 2)]);
    expect(summary.ticksLost).toEqual({ p50: 10, max: 30 });
    expect(summary.exposureMs).toEqual({ p50: 4, max: 12 });
    expect(summary.windowTicks).toEqual({ p50: 20, max: 60 });
    expect(summary.firesLost).toEqual({ p50: 3, max: 6 });
  });
});
