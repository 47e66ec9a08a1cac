import { describe, expect, it } from 'vitest';
import { SLOTS_PER_MS, slotsOf } from './notifications-repository.js';

describe('slotsOf', () => {
  it('tries slot 0 first, then every other slot exactly once', () => {
    const slots = [...slotsOf('2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d')];
    expect(slots[0]).toBe(0);
    expect(slots).toHaveLength(SLOTS_PER_MS);
    expect(new Set(slots).size).toBe(SLOTS_PER_MS);
  });

  it('gives one record the same sequence every time, and different records different ones', () => {
    const id = 'a3f1c2d4-0000-4000-8000-000000000001';
    expect([...slotsOf(id)].slice(0, 5)).toEqual([...slotsOf(id)].slice(0, 5));
    const seconds = new Set(Array.from({ length: 50 }, (_, i) => [...slotsOf(`id-${i}`)][1]));
    expect(seconds.size).toBeGreaterThan(40);
  });
});
