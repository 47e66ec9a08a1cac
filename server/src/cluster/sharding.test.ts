import { describe, expect, it } from 'vitest';
import { preferredOwner, shardOf } from './sharding.js';

describe('shardOf', () => {
  it('puts a symbol in the same shard every time, within range', () => {
    for (const symbol of ['AAPL', 'MSFT', 'BRK.B', 'X']) {
      const shard = shardOf(symbol, 16);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(16);
      expect(shardOf(symbol, 16)).toBe(shard);
    }
  });

  it('spreads many symbols over every shard', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 4000; i++) counts[shardOf(`S${i.toString(36).toUpperCase()}`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(350);
  });
});

describe('preferredOwner', () => {
  const members = ['node-a', 'node-b', 'node-c'];

  it('has no owner without members', () => {
    expect(preferredOwner(3, [])).toBeUndefined();
  });

  it('does not depend on the order members are listed in', () => {
    for (let shard = 0; shard < 64; shard++) {
      expect(preferredOwner(shard, members)).toBe(preferredOwner(shard, [...members].reverse()));
    }
  });

  it('gives every member a share', () => {
    const owners = new Set(Array.from({ length: 64 }, (_, shard) => preferredOwner(shard, members)));
    expect(owners).toEqual(new Set(members));
  });

  it('moves only the leaving member’s shards when a member leaves', () => {
    for (let shard = 0; shard < 256; shard++) {
      const before = preferredOwner(shard, members)!;
      const after = preferredOwner(shard, ['node-a', 'node-c'])!;
      if (before !== 'node-b') expect(after).toBe(before);
      else expect(['node-a', 'node-c']).toContain(after);
    }
  });

  it('moves only shards to a joining member', () => {
    for (let shard = 0; shard < 256; shard++) {
      const before = preferredOwner(shard, members)!;
      const after = preferredOwner(shard, [...members, 'node-d'])!;
      expect([before, 'node-d']).toContain(after);
    }
  });
});
