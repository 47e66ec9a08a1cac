import { describe, expect, it } from 'vitest';
import { OUTAGE_MS, makePlan, type PlanSize } from './plan.js';

const SIZE: PlanSize = {
  users: 6,
  alertsPerUser: 5,
  symbols: 3,
  ticks: 2_000,
  batchSize: 10,
  kills: 3,
  outages: 2,
  restarts: 1,
  drops: 20,
};
const START = Date.UTC(2025, 0, 6, 15, 0, 0);

describe('makePlan', () => {
  it('is the same plan for the same seed and start, and another for another seed', () => {
    expect(makePlan('a', SIZE, START)).toEqual(makePlan('a', SIZE, START));
    expect(makePlan('b', SIZE, START).ticks).not.toEqual(makePlan('a', SIZE, START).ticks);
  });

  it('stamps ticks one millisecond apart from the start, so a timestamp names one tick of one symbol', () => {
    const plan = makePlan('a', SIZE, START);
    expect(plan.ticks.map((t) => t.timestamp)).toEqual(plan.ticks.map((_, i) => START + i));
    expect(new Set(plan.ticks.map((t) => t.symbol))).toEqual(new Set(plan.symbols));
  });

  it('puts every level between two cents, so no price ever equals a level', () => {
    const plan = makePlan('a', SIZE, START);
    const prices = new Set(plan.ticks.map((t) => t.price));
    for (const alert of plan.alerts) {
      expect(prices.has(alert.level)).toBe(false);
      expect(Math.round(alert.level * 1000) % 10).toBe(5);
    }
    for (const price of prices) expect(Math.round(price * 100) / 100).toBe(price);
  });

  it('gives every user alertsPerUser alerts, numbered by position', () => {
    const plan = makePlan('a', SIZE, START);
    expect(plan.alerts).toHaveLength(SIZE.users * SIZE.alertsPerUser);
    plan.alerts.forEach((alert, i) => expect(alert.index).toBe(i));
    for (const user of plan.users) expect(plan.alerts.filter((a) => a.user === user)).toHaveLength(5);
  });

  it('cuts the ticks into contiguous batches that cover them all', () => {
    const plan = makePlan('a', { ...SIZE, ticks: 1_005 }, START);
    expect(plan.batches[0]).toEqual({ from: 0, to: 10 });
    expect(plan.batches.at(-1)).toEqual({ from: 1_000, to: 1_005 });
    plan.batches.slice(1).forEach((batch, i) => expect(batch.from).toBe(plan.batches[i]!.to));
  });

  it('spaces kills, outages and restarts out after the first tenth of the run, and drops anywhere', () => {
    const plan = makePlan('a', SIZE, START);
    const major = plan.faults.filter((f) => f.kind !== 'drop');
    expect(major.filter((f) => f.kind === 'kill')).toHaveLength(3);
    expect(major.filter((f) => f.kind === 'outage')).toHaveLength(2);
    expect(major.filter((f) => f.kind === 'restart')).toHaveLength(1);
    expect(plan.faults.filter((f) => f.kind === 'drop')).toHaveLength(20);
    const batches = plan.batches.length;
    for (const [i, fault] of major.entries()) {
      expect(fault.afterBatch).toBeGreaterThanOrEqual(Math.floor(batches * 0.1));
      expect(fault.afterBatch).toBeLessThan(Math.floor(batches * 0.9));
      if (i > 0) expect(fault.afterBatch).toBeGreaterThan(major[i - 1]!.afterBatch);
      if (fault.kind === 'outage') {
        expect(fault.durationMs).toBeGreaterThanOrEqual(OUTAGE_MS.min);
        expect(fault.durationMs).toBeLessThanOrEqual(OUTAGE_MS.max);
      }
    }
    // The first outage also kills the server inside it; the second does not.
    const outages = major.filter((f) => f.kind === 'outage');
    expect(outages[0]!.killAtMs).toBeGreaterThan(0);
    expect(outages[0]!.killAtMs).toBeLessThan(outages[0]!.durationMs);
    expect(outages[1]!.killAtMs).toBeNull();
    const afterBatches = plan.faults.map((f) => f.afterBatch);
    expect(afterBatches).toEqual([...afterBatches].sort((a, b) => a - b));
  });
});
