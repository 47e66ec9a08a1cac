import { describe, expect, it } from 'vitest';
import { expectedFires, holdsLevel } from './oracle.js';
import { makePlan, type PlannedAlert, type PlannedTick } from './plan.js';

const SIZE = {
  users: 5,
  alertsPerUser: 6,
  symbols: 3,
  ticks: 3_000,
  batchSize: 10,
  kills: 0,
  outages: 0,
  restarts: 0,
  drops: 0,
};

const alert = (index: number, operator: '>' | '<', level: number, symbol = 'AAA'): PlannedAlert => ({
  index,
  user: 'u',
  symbol,
  operator,
  level,
});
const walk = (prices: number[], symbol = 'AAA', from = 0): PlannedTick[] =>
  prices.map((price, i) => ({ seq: from + i, symbol, price, timestamp: 1_000 + from + i }));

describe('holdsLevel', () => {
  it('compares strictly', () => {
    expect(holdsLevel('>', 100.01, 100.005)).toBe(true);
    expect(holdsLevel('>', 100, 100)).toBe(false);
    expect(holdsLevel('<', 99.99, 100.005)).toBe(true);
    expect(holdsLevel('<', 100, 100)).toBe(false);
  });
});

describe('expectedFires', () => {
  it('fires on the first tick when the condition is already true', () => {
    expect(expectedFires({ alerts: [alert(0, '>', 100.005)], ticks: walk([101]) })).toEqual([{ alert: 0, seq: 0 }]);
  });

  it('does not fire twice while the price stays above the level', () => {
    const ticks = walk([99, 101, 102, 101.5, 103]);
    expect(expectedFires({ alerts: [alert(0, '>', 100.005)], ticks })).toEqual([{ alert: 0, seq: 1 }]);
  });

  it('re-arms when the condition is false again and fires on the next entry', () => {
    const ticks = walk([101, 99, 98, 101, 100, 100.5]);
    expect(expectedFires({ alerts: [alert(0, '>', 100.005)], ticks })).toEqual([
      { alert: 0, seq: 0 },
      { alert: 0, seq: 3 },
      { alert: 0, seq: 5 },
    ]);
  });

  it('mirrors for below, and leaves alerts on other symbols alone', () => {
    const ticks = [...walk([101, 99, 101, 98], 'AAA'), ...walk([50, 50], 'BBB', 4)];
    const fires = expectedFires({ alerts: [alert(0, '<', 100.005), alert(1, '<', 100.005, 'BBB')], ticks });
    expect(fires).toEqual([
      { alert: 0, seq: 1 },
      { alert: 0, seq: 3 },
      { alert: 1, seq: 4 },
    ]);
  });

  it('agrees with counting entries into the condition on a seeded walk', () => {
    const plan = makePlan('oracle', { ...SIZE }, 0);
    const fires = expectedFires(plan);
    for (const a of plan.alerts) {
      let entries = 0;
      let before = false;
      for (const tick of plan.ticks.filter((t) => t.symbol === a.symbol)) {
        const now = holdsLevel(a.operator, tick.price, a.level);
        if (now && !before) entries += 1;
        before = now;
      }
      expect(fires.filter((f) => f.alert === a.index)).toHaveLength(entries);
    }
    // The walk crosses the levels often: many fires per alert.
    expect(fires.length).toBeGreaterThan(plan.alerts.length * 5);
  });
});
