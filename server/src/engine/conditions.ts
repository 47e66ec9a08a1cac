import type { CrossOperator, LevelOperator, MoveDirection, MoveUnit, PriceChannelCondition } from '@tickwatch/shared';

/** Whether `value` is on the operator's side of `level`: the state a level condition is in. */
export function holds(op: LevelOperator, value: number, level: number): boolean {
  switch (op) {
    case '>':
      return value > level;
    case '>=':
      return value >= level;
    case '<':
      return value < level;
    case '<=':
      return value <= level;
  }
}

/**
 * Whether the move from `previous` to `current` crossed `level`, as TradingView's ta.crossover/ta.crossunder:
 * starting exactly on the level counts, ending on it does not. So a value that rises onto the level and rests there
 * crosses above once, when it moves on upwards; if it falls back instead, it has crossed below, not above.
 */
export function crossed(op: CrossOperator, previous: number, current: number, level: number): boolean {
  switch (op) {
    case 'crosses_above':
      return previous <= level && current > level;
    case 'crosses_below':
      return previous >= level && current < level;
  }
}

/**
 * The levels for which a move from `previous` to `current` may change a condition, as [lo, hi] with both ends
 * included: for every other level `holds` is the same before and after, whatever the operator, and `crossed` is
 * false. Both ends are needed because comparisons flip exactly on them: '>' and '<=' change at a level equal to the
 * lower value (rising from 10 to 11 makes `> 10` true and `<= 10` false), '>=' and '<' at one equal to the higher
 * (`>= 11` becomes true, `< 11` false), and a crossing that starts on the level has the level at an end. It is a
 * superset: when previous equals current nothing changes, yet the range still holds that one level.
 */
export function transitionRange(previous: number, current: number): [lo: number, hi: number] {
  return previous <= current ? [previous, current] : [current, previous];
}

/** Moves are compared at this many decimals, so that 100.1 − 100 (0.0999999…) is a move of 0.1. */
const MOVE_DECIMALS = 1e8;

/**
 * How far `price` has moved from `reference` (the window's low for up, its high for down): in price units, or in
 * % of the reference. Never negative while the reference is the window's extreme.
 */
export function moveOf(direction: MoveDirection, unit: MoveUnit, reference: number, price: number): number {
  const move = direction === 'up' ? price - reference : reference - price;
  const value = unit === 'price' ? move : (move * 100) / reference;
  return Math.round(value * MOVE_DECIMALS) / MOVE_DECIMALS;
}

const inside = (c: PriceChannelCondition, price: number) => c.lower <= price && price <= c.upper;

/**
 * The bound through which a move from `previous` to `current` entered (or exited) the channel, or null if it did
 * not. A move from one side of the channel to the other passes through it: it both enters (through the bound on
 * its starting side) and exits (through the other).
 */
export function channelBoundPassed(c: PriceChannelCondition, previous: number, current: number): number | null {
  const wasInside = inside(c, previous);
  const isInside = inside(c, current);
  const across = (previous < c.lower && current > c.upper) || (previous > c.upper && current < c.lower);
  if (c.event === 'enters') {
    if ((isInside && !wasInside) || across) return previous < c.lower ? c.lower : c.upper;
    return null;
  }
  if ((wasInside && !isInside) || across) return current < c.lower ? c.lower : c.upper;
  return null;
}
