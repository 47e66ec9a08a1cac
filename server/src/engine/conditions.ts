import type { CrossOperator, LevelOperator } from '@tickwatch/shared';

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
