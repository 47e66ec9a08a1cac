import { describe, expect, it } from 'vitest';
import { ALERT_OPTION_DEFAULTS, type ConditionSpec, type Tick } from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import type { LiveAlert } from './alert-book.js';
import { mayHaveMissedRearm, rearmedByHistory } from './rearm-from-history.js';

const T0 = Date.UTC(2026, 0, 15, 15, 0, 0);
const SECOND = 1000;

function alert(spec: ConditionSpec, state: { armed: boolean; lastFiredMs: number | null; enabled?: boolean }) {
  const item: AlertItem = {
    ...ALERT_OPTION_DEFAULTS,
    ...spec,
    enabled: state.enabled ?? true,
    symbol: 'AAPL',
    alert_id: `a${Math.random()}`,
    user_id: 'u',
    created_at: 0,
    updated_at: 0,
    last_triggered: null,
    trigger_count: 1,
    armed: state.armed,
    version: 2,
    last_fired_ms: state.lastFiredMs,
  } as AlertItem;
  const live: LiveAlert = {
    id: item.alert_id,
    item,
    armed: state.armed,
    lastFiredMs: state.lastFiredMs,
    statusNote: null,
    fresh: true,
  };
  return live;
}

const above100 = (state: Parameters<typeof alert>[1]) =>
  alert(
    { condition_type: 'price_threshold', condition: { operator: '>', threshold: 100, price_type: 'close' } },
    state,
  );
const ticks = (...prices: number[]): Tick[] =>
  prices.map((price, i) => ({ symbol: 'AAPL', timestamp: T0 + i * SECOND, price, volume: 1, source: 'simulator' }));

describe('rearmedByHistory', () => {
  it('re-arms a fired level alert whose condition was false at a stored tick after its last fire', () => {
    const fired = above100({ armed: false, lastFiredMs: T0 });
    expect(rearmedByHistory([fired], ticks(101, 99, 101), undefined)).toEqual(new Set([fired]));
  });

  it('leaves it fired when the condition held at every tick after its last fire', () => {
    const fired = above100({ armed: false, lastFiredMs: T0 });
    expect(rearmedByHistory([fired], ticks(101, 102, 100.5), undefined).size).toBe(0);
  });

  it('ignores false ticks from before the last fire', () => {
    const fired = above100({ armed: false, lastFiredMs: T0 + 2 * SECOND });
    expect(rearmedByHistory([fired], ticks(99, 98, 101, 102), undefined).size).toBe(0);
  });

  it('considers only enabled, fired level alerts', () => {
    const armed = above100({ armed: true, lastFiredMs: T0 });
    const disabled = above100({ armed: false, lastFiredMs: T0, enabled: false });
    const crossing = alert(
      {
        condition_type: 'price_threshold',
        condition: { operator: 'crosses_above', threshold: 100, price_type: 'close' },
      },
      { armed: false, lastFiredMs: T0 },
    );
    expect([armed, disabled, crossing].map(mayHaveMissedRearm)).toEqual([false, false, false]);
    expect(rearmedByHistory([armed, disabled, crossing], ticks(101, 99, 101), undefined).size).toBe(0);
  });

  it('reads the day bar for open, high and low conditions', () => {
    const highAbove = alert(
      { condition_type: 'price_threshold', condition: { operator: '>', threshold: 100, price_type: 'high' } },
      { armed: false, lastFiredMs: T0 },
    );
    // The day high never drops below 101 once reached, whatever the last price does.
    expect(rearmedByHistory([highAbove], ticks(101, 95, 90), undefined).size).toBe(0);
  });

  it('re-arms a fundamental alert from the metric at each tick', () => {
    const peAbove = alert(
      { condition_type: 'fundamental', condition: { metric: 'pe_ratio', operator: '>', threshold: 20 } },
      { armed: false, lastFiredMs: T0 },
    );
    const fundamentals = { eps_ttm: 5, shares_outstanding: null, annual_dividend: null };
    expect(rearmedByHistory([peAbove], ticks(105, 99, 105), fundamentals)).toEqual(new Set([peAbove]));
    expect(rearmedByHistory([peAbove], ticks(105, 104, 105), fundamentals).size).toBe(0);
  });

  it('re-arms an indicator alert from the indicator replayed over the stored ticks', () => {
    const minute = 60 * SECOND;
    const smaAbove = alert(
      {
        condition_type: 'indicator',
        condition: { indicator: 'sma', interval: '1m', period: 2, operator: '>', threshold: 100 },
      },
      { armed: false, lastFiredMs: T0 + 2 * minute },
    );
    const bars = (...closes: number[]): Tick[] =>
      closes.map((price, i) => ({ symbol: 'AAPL', timestamp: T0 + i * minute, price, volume: 1, source: 'simulator' }));
    // SMA(2) of closes: -, 100.5, 101.5, 99, 101 → false at the 4th bar, after the last fire.
    expect(rearmedByHistory([smaAbove], bars(100, 101, 102, 96, 106), undefined)).toEqual(new Set([smaAbove]));
    expect(rearmedByHistory([smaAbove], bars(100, 101, 102, 103, 104), undefined).size).toBe(0);
  });
});

describe('rearmedByHistory: moves and channels', () => {
  const minute = 60 * SECOND;
  const at = (...points: [minutes: number, price: number][]): Tick[] =>
    points.map(([m, price]) => ({ symbol: 'AAPL', timestamp: T0 + m * minute, price, volume: 1, source: 'simulator' }));
  const upTwo = (lastFiredMs: number) =>
    alert(
      { condition_type: 'price_move', condition: { direction: 'up', amount: 2, unit: 'price', window_minutes: 5 } },
      { armed: false, lastFiredMs },
    );

  it('re-arms a fired move once its move fell below the amount after the last fire', () => {
    const fired = upTwo(T0 + minute);
    expect(mayHaveMissedRearm(fired)).toBe(true);
    expect(rearmedByHistory([fired], at([0, 100], [1, 102], [2, 101]), undefined)).toEqual(new Set([fired]));
  });

  it('measures the move over the window from ticks before the last fire, and lets old lows leave it', () => {
    // The low of 100 stays in the window until T0 + 5 min, so the move is 2 at every tick until then.
    expect(rearmedByHistory([upTwo(T0 + minute)], at([0, 100], [1, 102], [4, 102], [5, 102]), undefined).size).toBe(0);
    const later = upTwo(T0 + minute);
    expect(rearmedByHistory([later], at([0, 100], [1, 102], [6, 102]), undefined)).toEqual(new Set([later]));
  });

  it('leaves channels alone: they fire on moments, as crossings do, and are never stored as fired', () => {
    const channel = alert(
      { condition_type: 'price_channel', condition: { event: 'enters', lower: 95, upper: 105 } },
      { armed: false, lastFiredMs: T0 },
    );
    expect(mayHaveMissedRearm(channel)).toBe(false);
    expect(rearmedByHistory([channel], ticks(100, 90, 110), undefined).size).toBe(0);
  });
});
