import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { CROSS_OPERATORS, LEVEL_OPERATORS, type CrossOperator, type LevelOperator } from '@tickwatch/shared';
import { channelBoundPassed, crossed, holds, moveOf, transitionRange } from './conditions.js';

describe('holds', () => {
  const table: [LevelOperator, below: boolean, at: boolean, above: boolean][] = [
    ['>', false, false, true],
    ['>=', false, true, true],
    ['<', true, false, false],
    ['<=', true, true, false],
  ];

  it.each(table)('%s is %s below, %s at and %s above the level', (op, below, at, above) => {
    expect(holds(op, 99.99, 100)).toBe(below);
    expect(holds(op, 100, 100)).toBe(at);
    expect(holds(op, 100.01, 100)).toBe(above);
  });

  it.each(table)('%s compares negative and zero levels the same way', (op, below, at, above) => {
    expect(holds(op, -2, -1)).toBe(below);
    expect(holds(op, -1, -1)).toBe(at);
    expect(holds(op, 0, -1)).toBe(above);
    expect(holds(op, -0, 0)).toBe(at);
  });

  it('covers every level operator', () => {
    expect(table.map(([op]) => op)).toEqual([...LEVEL_OPERATORS]);
  });

  it('never holds for a NaN value', () => {
    for (const op of LEVEL_OPERATORS) expect(holds(op, Number.NaN, 100)).toBe(false);
  });
});

describe('crossed', () => {
  const cases: [CrossOperator, previous: number, current: number, expected: boolean, why: string][] = [
    ['crosses_above', 99, 101, true, 'rises through the level'],
    ['crosses_above', 100, 101, true, 'rises from exactly the level'],
    ['crosses_above', 99, 100, false, 'rises onto the level without passing it'],
    ['crosses_above', 100, 100, false, 'rests on the level'],
    ['crosses_above', 101, 102, false, 'was already above'],
    ['crosses_above', 101, 99, false, 'falls through the level'],
    ['crosses_above', 50, 150, true, 'gaps over the level in one step'],
    ['crosses_above', 98, 99, false, 'rises but stays below'],
    ['crosses_above', 100, 99, false, 'leaves the level downwards'],
    ['crosses_below', 101, 99, true, 'falls through the level'],
    ['crosses_below', 100, 99, true, 'falls from exactly the level'],
    ['crosses_below', 101, 100, false, 'falls onto the level without passing it'],
    ['crosses_below', 100, 100, false, 'rests on the level'],
    ['crosses_below', 99, 98, false, 'was already below'],
    ['crosses_below', 99, 101, false, 'rises through the level'],
    ['crosses_below', 150, 50, true, 'gaps under the level in one step'],
    ['crosses_below', 102, 101, false, 'falls but stays above'],
    ['crosses_below', 100, 101, false, 'leaves the level upwards'],
  ];

  it.each(cases)('%s from %s to %s is %s: %s', (op, previous, current, expected) => {
    expect(crossed(op, previous, current, 100)).toBe(expected);
  });

  it('fires once for a value that touches the level, rests there, then goes through', () => {
    const path = [98, 100, 100, 100, 103];
    const fires = path.slice(1).filter((current, i) => crossed('crosses_above', path[i]!, current, 100));
    expect(fires).toEqual([103]);
  });

  it('counts a touch from below that falls back as crossing below, not above', () => {
    const path = [98, 100, 97];
    const fires = (op: CrossOperator) => path.slice(1).filter((current, i) => crossed(op, path[i]!, current, 100));
    expect(fires('crosses_above')).toEqual([]);
    expect(fires('crosses_below')).toEqual([97]);
  });

  it('does not fire for a value that approaches the level and turns back before reaching it', () => {
    const path = [98, 99.99, 97, 99.5, 98];
    for (const op of CROSS_OPERATORS) {
      expect(path.slice(1).some((current, i) => crossed(op, path[i]!, current, 100))).toBe(false);
    }
  });

  it('fires each way once when the value crosses above and then back below', () => {
    const path = [99, 101, 99];
    expect(crossed('crosses_above', path[0]!, path[1]!, 100)).toBe(true);
    expect(crossed('crosses_below', path[0]!, path[1]!, 100)).toBe(false);
    expect(crossed('crosses_above', path[1]!, path[2]!, 100)).toBe(false);
    expect(crossed('crosses_below', path[1]!, path[2]!, 100)).toBe(true);
  });

  it('crosses negative and zero levels', () => {
    expect(crossed('crosses_above', -1, 0.5, 0)).toBe(true);
    expect(crossed('crosses_below', 0, -0.01, 0)).toBe(true);
    expect(crossed('crosses_below', -4, -6, -5)).toBe(true);
    expect(crossed('crosses_above', -0, 0, 0)).toBe(false);
  });

  it('never crosses from or to NaN', () => {
    for (const op of CROSS_OPERATORS) {
      expect(crossed(op, Number.NaN, 101, 100)).toBe(false);
      expect(crossed(op, 99, Number.NaN, 100)).toBe(false);
    }
  });
});

describe('transitionRange', () => {
  it('orders the two values, whichever way the move went', () => {
    expect(transitionRange(10, 12)).toEqual([10, 12]);
    expect(transitionRange(12, 10)).toEqual([10, 12]);
    expect(transitionRange(-3, -5)).toEqual([-5, -3]);
  });

  it('is a single level when the value does not move', () => {
    expect(transitionRange(7, 7)).toEqual([7, 7]);
  });

  it('needs its lower end for > and <= and its upper end for >= and <', () => {
    const [lo, hi] = transitionRange(10, 11);
    expect(holds('>', 10, lo)).not.toBe(holds('>', 11, lo));
    expect(holds('<=', 10, lo)).not.toBe(holds('<=', 11, lo));
    expect(holds('>=', 10, hi)).not.toBe(holds('>=', 11, hi));
    expect(holds('<', 10, hi)).not.toBe(holds('<', 11, hi));
  });

  it('needs its ends for crossings that start on the level', () => {
    const [lo] = transitionRange(10, 11);
    expect(crossed('crosses_above', 10, 11, lo)).toBe(true);
    const [, hi] = transitionRange(11, 10);
    expect(crossed('crosses_below', 11, 10, hi)).toBe(true);
  });

  it('contains every level at which some condition changes, for random moves', () => {
    const random = seedrandom('transition-range');
    // Small integers, so that previous, current and level often coincide; fractions for the spaces between.
    const value = () => (random() < 0.7 ? Math.floor(random() * 11) - 5 : Math.round((random() * 10 - 5) * 4) / 4);
    let outside = 0;
    let changed = 0;
    for (let i = 0; i < 20_000; i++) {
      const previous = value();
      const current = value();
      const level = value();
      const [lo, hi] = transitionRange(previous, current);
      expect(lo).toBeLessThanOrEqual(hi);
      const changes =
        LEVEL_OPERATORS.some((op) => holds(op, previous, level) !== holds(op, current, level)) ||
        CROSS_OPERATORS.some((op) => crossed(op, previous, current, level));
      if (changes) changed++;
      if (level < lo || level > hi) {
        outside++;
        expect(changes, `move ${previous} → ${current} changed a condition at level ${level}`).toBe(false);
      }
    }
    expect(outside).toBeGreaterThan(1_000);
    expect(changed).toBeGreaterThan(1_000);
  });
});

describe('moveOf', () => {
  it('measures up from the low and down from the high, in price or in % of that reference', () => {
    expect(moveOf('up', 'price', 100, 102.5)).toBe(2.5);
    expect(moveOf('up', 'percent', 200, 204)).toBe(2);
    expect(moveOf('down', 'price', 100, 97)).toBe(3);
    expect(moveOf('down', 'percent', 200, 190)).toBe(5);
  });

  it('rounds away the float error of the subtraction, so an exact move meets its amount', () => {
    expect(100.1 - 100).toBeLessThan(0.1);
    expect(moveOf('up', 'price', 100, 100.1)).toBe(0.1);
    expect(moveOf('down', 'percent', 0.3, 0.297)).toBe(1);
  });
});

describe('channelBoundPassed', () => {
  const enters = { event: 'enters', lower: 195, upper: 200 } as const;
  const exits = { event: 'exits', lower: 195, upper: 200 } as const;

  it.each([
    [194, 195, 195],
    [201, 200, 200],
    [194, 197, 195],
    [190, 210, 195],
    [210, 190, 200],
    [195, 196, null],
    [196, 194, null],
    [190, 194, null],
  ])('enters: %s → %s passes %s', (from, to, bound) => {
    expect(channelBoundPassed(enters, from, to)).toBe(bound);
  });

  it.each([
    [195, 194.99, 195],
    [200, 201, 200],
    [190, 210, 200],
    [210, 190, 195],
    [194, 195, null],
    [196, 199, null],
    [201, 205, null],
  ])('exits: %s → %s passes %s', (from, to, bound) => {
    expect(channelBoundPassed(exits, from, to)).toBe(bound);
  });
});
