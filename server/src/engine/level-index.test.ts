import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { LevelIndex } from './level-index.js';

/** Where the index holds `item`, read through its public range visit. */
function levelOf<T>(index: LevelIndex<T>, item: T): number | undefined {
  let found: number | undefined;
  index.forEachInRange(-Infinity, Infinity, (candidate, level) => {
    // SameValueZero, as the index's own Map compares items.
    if (candidate === item || (Number.isNaN(candidate) && Number.isNaN(item))) found = level;
  });
  return found;
}

type Visit<T> = [item: T, level: number];

function visited<T>(index: LevelIndex<T>, lo: number, hi: number): Visit<T>[] {
  const out: Visit<T>[] = [];
  index.forEachInRange(lo, hi, (item, level) => out.push([item, level]));
  return out;
}

const all = <T>(index: LevelIndex<T>) => visited(index, -Infinity, Infinity);

function indexOf<T>(...entries: [number, T][]): LevelIndex<T> {
  const index = new LevelIndex<T>();
  for (const [level, item] of entries) index.insert(level, item);
  return index;
}

/** The obvious implementation, in insertion order, that the index must agree with. */
class NaiveLevels<T> {
  entries: { level: number; item: T }[] = [];

  insert(level: number, item: T): void {
    this.remove(item);
    this.entries.push({ level, item });
  }

  remove(item: T): boolean {
    const at = this.entries.findIndex((e) => e.item === item);
    if (at < 0) return false;
    this.entries.splice(at, 1);
    return true;
  }

  levelOf(item: T): number | undefined {
    return this.entries.find((e) => e.item === item)?.level;
  }

  range(lo: number, hi: number): Visit<T>[] {
    return this.entries
      .filter((e) => lo <= e.level && e.level <= hi)
      .sort((a, b) => a.level - b.level)
      .map((e): Visit<T> => [e.item, e.level]);
  }
}

describe('LevelIndex', () => {
  it('is empty when new', () => {
    const index = new LevelIndex<string>();
    expect(index.size).toBe(0);
    expect(all(index)).toEqual([]);
    expect(levelOf(index, 'a')).toBeUndefined();
  });

  it('visits items in ascending level order whatever the insertion order', () => {
    const index = indexOf<string>([30, 'c'], [10, 'a'], [20, 'b'], [-5, 'neg'], [0, 'zero']);
    expect(all(index)).toEqual([
      ['neg', -5],
      ['zero', 0],
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    expect(index.size).toBe(5);
  });

  it('includes items exactly at both bounds', () => {
    const index = indexOf<string>([9.99, 'below'], [10, 'lo'], [15, 'mid'], [20, 'hi'], [20.01, 'above']);
    expect(visited(index, 10, 20).map(([item]) => item)).toEqual(['lo', 'mid', 'hi']);
  });

  it('visits the items at one level when lo equals hi', () => {
    const index = indexOf<string>([1, 'a'], [2, 'b'], [2, 'c'], [3, 'd']);
    expect(visited(index, 2, 2)).toEqual([
      ['b', 2],
      ['c', 2],
    ]);
  });

  it('visits nothing when lo > hi, even around existing levels', () => {
    const index = indexOf<string>([1, 'a'], [2, 'b'], [3, 'c']);
    expect(visited(index, 3, 1)).toEqual([]);
    expect(visited(index, 2.0001, 2)).toEqual([]);
  });

  it('visits nothing when a bound is NaN', () => {
    const index = indexOf<string>([1, 'a'], [2, 'b']);
    expect(visited(index, Number.NaN, 2)).toEqual([]);
    expect(visited(index, 1, Number.NaN)).toEqual([]);
  });

  it('visits nothing in a range between levels or beyond either end', () => {
    const index = indexOf<string>([1, 'a'], [5, 'b']);
    expect(visited(index, 2, 4)).toEqual([]);
    expect(visited(index, -10, 0.5)).toEqual([]);
    expect(visited(index, 6, 100)).toEqual([]);
  });

  it('visits everything for an infinite range', () => {
    const index = indexOf<string>([-1e300, 'a'], [0, 'b'], [1e300, 'c']);
    expect(visited(index, -Infinity, Infinity).map(([item]) => item)).toEqual(['a', 'b', 'c']);
  });

  it('keeps many items at one level, in insertion order', () => {
    const index = new LevelIndex<number>();
    for (let i = 0; i < 1_000; i++) index.insert(200, i);
    index.insert(199, -1);
    index.insert(201, -2);
    expect(index.size).toBe(1_002);
    expect(visited(index, 200, 200).map(([item]) => item)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it('removes one item from among many at the same level', () => {
    const index = new LevelIndex<number>();
    for (let i = 0; i < 100; i++) index.insert(7, i);
    expect(index.remove(50)).toBe(true);
    expect(index.remove(0)).toBe(true);
    expect(index.remove(99)).toBe(true);
    expect(levelOf(index, 50)).toBeUndefined();
    expect(visited(index, 7, 7).map(([item]) => item)).toEqual(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 0 && i !== 50 && i !== 99),
    );
  });

  it('treats -0 and 0 as the same level', () => {
    const index = indexOf<string>([0, 'a'], [-0, 'b'], [0, 'c']);
    expect(visited(index, 0, 0).map(([item]) => item)).toEqual(['a', 'b', 'c']);
    expect(visited(index, -0, -0).map(([item]) => item)).toEqual(['a', 'b', 'c']);
  });

  it('reports the level of each item and undefined for an absent one', () => {
    const index = indexOf<string>([1.5, 'a'], [-3, 'b'], [0, 'c']);
    expect(levelOf(index, 'a')).toBe(1.5);
    expect(levelOf(index, 'b')).toBe(-3);
    expect(levelOf(index, 'c')).toBe(0);
    expect(levelOf(index, 'd')).toBeUndefined();
  });

  it('moves an item that is inserted again instead of storing it twice', () => {
    const index = indexOf<string>([10, 'a'], [20, 'b']);
    index.insert(30, 'a');
    expect(index.size).toBe(2);
    expect(levelOf(index, 'a')).toBe(30);
    expect(all(index)).toEqual([
      ['b', 20],
      ['a', 30],
    ]);
    expect(visited(index, 10, 10)).toEqual([]);
  });

  it('puts an item inserted again at the same level after the others there', () => {
    const index = indexOf<string>([5, 'a'], [5, 'b'], [5, 'c']);
    index.insert(5, 'a');
    expect(index.size).toBe(3);
    expect(all(index).map(([item]) => item)).toEqual(['b', 'c', 'a']);
  });

  it('removes an item and reports whether it was there', () => {
    const index = indexOf<string>([1, 'a'], [2, 'b'], [3, 'c']);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.remove('never')).toBe(false);
    expect(index.size).toBe(2);
    expect(levelOf(index, 'b')).toBeUndefined();
    expect(all(index).map(([item]) => item)).toEqual(['a', 'c']);
  });

  it('removes from an empty index without effect', () => {
    const index = new LevelIndex<string>();
    expect(index.remove('a')).toBe(false);
    expect(index.size).toBe(0);
  });

  it('can be emptied and refilled', () => {
    const index = indexOf<string>([1, 'a'], [2, 'b']);
    index.remove('a');
    index.remove('b');
    expect(all(index)).toEqual([]);
    index.insert(3, 'c');
    index.insert(2, 'a');
    expect(all(index)).toEqual([
      ['a', 2],
      ['c', 3],
    ]);
  });

  it('compares items by identity, like Map keys', () => {
    const first = { id: 'x' };
    const twin = { id: 'x' };
    const index = indexOf<{ id: string }>([1, first], [1, twin]);
    expect(index.size).toBe(2);
    expect(index.remove({ id: 'x' })).toBe(false);
    expect(index.remove(first)).toBe(true);
    expect(all(index)).toEqual([[twin, 1]]);
  });

  it('finds an item that Map considers equal though === does not (NaN)', () => {
    const index = indexOf<number>([1, Number.NaN], [1, 2]);
    expect(levelOf(index, Number.NaN)).toBe(1);
    expect(index.remove(Number.NaN)).toBe(true);
    expect(all(index)).toEqual([[2, 1]]);
  });

  it.each([Number.NaN, Infinity, -Infinity])('rejects a level of %s with a RangeError and changes nothing', (level) => {
    const index = indexOf<string>([1, 'a']);
    expect(() => index.insert(level, 'a')).toThrow(RangeError);
    expect(() => index.insert(level, 'b')).toThrow(/level must be a finite number/);
    expect(index.size).toBe(1);
    expect(levelOf(index, 'a')).toBe(1);
    expect(levelOf(index, 'b')).toBeUndefined();
  });

  it('accepts extreme finite levels', () => {
    const index = indexOf<string>([Number.MAX_VALUE, 'max'], [-Number.MAX_VALUE, 'min'], [Number.MIN_VALUE, 'tiny']);
    expect(all(index).map(([item]) => item)).toEqual(['min', 'tiny', 'max']);
  });

  it('grows well past its initial capacity and keeps every item after removals', () => {
    const index = new LevelIndex<number>();
    for (let i = 0; i < 10_000; i++) index.insert((i * 7919) % 10_000, i);
    expect(index.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 2) index.remove(i);
    expect(index.size).toBe(5_000);
    const levels = all(index).map(([, level]) => level);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    for (let i = 1; i < 10_000; i += 2) expect(levelOf(index, i)).toBe((i * 7919) % 10_000);
  });

  it('visits a narrow range of a large index without touching the rest', () => {
    const index = new LevelIndex<number>();
    for (let i = 0; i < 100_000; i++) index.insert(i / 100, i);
    const seen = visited(index, 500, 500.05);
    expect(seen).toEqual([
      [50_000, 500],
      [50_001, 500.01],
      [50_002, 500.02],
      [50_003, 500.03],
      [50_004, 500.04],
      [50_005, 500.05],
    ]);
  });

  describe('while visiting', () => {
    it('refuses an insert or remove from inside the visit and leaves the index intact', () => {
      const index = indexOf<string>([1, 'a'], [2, 'b'], [3, 'c']);
      expect(() => index.forEachInRange(1, 3, (item) => index.remove(item))).toThrow(/cannot change during/);
      expect(() => index.forEachInRange(1, 3, () => index.insert(2, 'd'))).toThrow(/cannot change during/);
      expect(index.size).toBe(3);
      expect(all(index).map(([item]) => item)).toEqual(['a', 'b', 'c']);
    });

    it('allows changes again once a visit has thrown', () => {
      const index = indexOf<string>([1, 'a']);
      expect(() =>
        index.forEachInRange(0, 2, () => {
          throw new Error('visitor failed');
        }),
      ).toThrow('visitor failed');
      index.insert(2, 'b');
      expect(index.remove('a')).toBe(true);
      expect(all(index)).toEqual([['b', 2]]);
    });

    it('allows reading, including a nested visit', () => {
      const index = indexOf<string>([1, 'a'], [2, 'b']);
      const pairs: string[] = [];
      index.forEachInRange(1, 2, (outer) => {
        index.forEachInRange(1, 2, (inner) => pairs.push(`${outer}${inner}${levelOf(index, inner)}`));
      });
      expect(pairs).toEqual(['aa1', 'ab2', 'ba1', 'bb2']);
      index.insert(3, 'c');
      expect(index.size).toBe(3);
    });

    it('allows the changes that a visit collected, after it returns', () => {
      const index = indexOf<string>([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']);
      const fired: string[] = [];
      index.forEachInRange(2, 3, (item) => fired.push(item));
      for (const item of fired) index.remove(item);
      expect(all(index).map(([item]) => item)).toEqual(['a', 'd']);
    });
  });

  describe('from', () => {
    it('builds an empty index from no entries, which then accepts inserts', () => {
      const index = LevelIndex.from<string>([]);
      expect(index.size).toBe(0);
      index.insert(1, 'a');
      expect(all(index)).toEqual([['a', 1]]);
    });

    it('sorts the entries once', () => {
      const index = LevelIndex.from<string>([
        [3, 'c'],
        [1, 'a'],
        [2, 'b'],
        [1, 'a2'],
      ]);
      expect(all(index)).toEqual([
        ['a', 1],
        ['a2', 1],
        ['b', 2],
        ['c', 3],
      ]);
    });

    it('keeps the last level of a repeated item', () => {
      const index = LevelIndex.from<string>([
        [1, 'a'],
        [2, 'b'],
        [3, 'a'],
      ]);
      expect(index.size).toBe(2);
      expect(levelOf(index, 'a')).toBe(3);
      expect(visited(index, 1, 1)).toEqual([]);
    });

    it('accepts any iterable', () => {
      function* entries(): Generator<[number, string]> {
        yield [2, 'b'];
        yield [1, 'a'];
      }
      expect(all(LevelIndex.from(entries())).map(([item]) => item)).toEqual(['a', 'b']);
      expect(all(LevelIndex.from(new Map([[5, 'x']]))).map(([item]) => item)).toEqual(['x']);
    });

    it.each([Number.NaN, Infinity, -Infinity])('rejects a level of %s with a RangeError', (level) => {
      expect(() =>
        LevelIndex.from<string>([
          [1, 'a'],
          [level, 'b'],
        ]),
      ).toThrow(RangeError);
    });

    it('grows, removes and reinserts after a bulk load', () => {
      const index = LevelIndex.from(Array.from({ length: 20 }, (_, i): [number, number] => [20 - i, i]));
      for (let i = 20; i < 60; i++) index.insert(i, i);
      expect(index.remove(0)).toBe(true);
      index.insert(0.5, 1);
      expect(index.size).toBe(59);
      expect(visited(index, 0, 2)).toEqual([
        [1, 0.5],
        [19, 1],
        [18, 2],
      ]);
    });

    it('equals the same entries inserted one by one, repeats and ties included', () => {
      const random = seedrandom('level-index-from');
      for (let round = 0; round < 20; round++) {
        const entries = Array.from({ length: 300 }, (): [number, number] => [
          Math.floor(random() * 21) - 10,
          Math.floor(random() * 120),
        ]);
        const bulk = LevelIndex.from(entries);
        const oneByOne = indexOf(...entries);
        expect(bulk.size).toBe(oneByOne.size);
        expect(all(bulk)).toEqual(all(oneByOne));
        for (let item = 0; item < 120; item++) expect(levelOf(bulk, item)).toBe(levelOf(oneByOne, item));
        for (let k = 0; k < 50; k++) {
          const level = Math.floor(random() * 21) - 10;
          const item = Math.floor(random() * 150);
          bulk.insert(level, item);
          oneByOne.insert(level, item);
          expect(bulk.remove(k)).toBe(oneByOne.remove(k));
        }
        expect(all(bulk)).toEqual(all(oneByOne));
      }
    });
  });

  it('agrees with a naive implementation over 5,000 random operations', () => {
    const random = seedrandom('level-index-property');
    const pick = <V>(values: readonly V[]): V => values[Math.floor(random() * values.length)]!;
    // Few distinct levels and items, so that ties, moves and removals of absent items happen often.
    const levels = [-7.5, -3, -1, -0.01, -0, 0, 0.01, 1, 2, 2.5, 3, 10, 99.99];
    const randomLevel = () => (random() < 0.8 ? pick(levels) : Math.round((random() * 40 - 20) * 100) / 100);
    const index = new LevelIndex<string>();
    const naive = new NaiveLevels<string>();
    const counts = { insert: 0, remove: 0, removedPresent: 0, range: 0, visits: 0, emptyRange: 0 };

    for (let step = 0; step < 5_000; step++) {
      const item = `alert-${Math.floor(random() * 60)}`;
      const roll = random();
      if (roll < 0.45) {
        const level = randomLevel();
        index.insert(level, item);
        naive.insert(level, item);
        counts.insert++;
      } else if (roll < 0.7) {
        const removed = index.remove(item);
        expect(removed).toBe(naive.remove(item));
        counts.remove++;
        if (removed) counts.removedPresent++;
      } else {
        const lo = randomLevel();
        const hi = random() < 0.1 ? lo : random() < 0.8 ? lo + random() * 15 : lo - random() * 5;
        const got = visited(index, lo, hi);
        expect(got).toEqual(naive.range(lo, hi));
        counts.range++;
        counts.visits += got.length;
        if (got.length === 0) counts.emptyRange++;
      }
      expect(index.size).toBe(naive.entries.length);
      expect(levelOf(index, item)).toBe(naive.levelOf(item));
      if (step % 500 === 0) expect(all(index)).toEqual(naive.range(-Infinity, Infinity));
    }

    expect(all(index)).toEqual(naive.range(-Infinity, Infinity));
    // The run exercised what it claims to: both outcomes of remove, and ranges both empty and not.
    expect(counts.removedPresent).toBeGreaterThan(100);
    expect(counts.remove - counts.removedPresent).toBeGreaterThan(100);
    expect(counts.emptyRange).toBeGreaterThan(50);
    expect(counts.visits).toBeGreaterThan(counts.range);
  });
});
