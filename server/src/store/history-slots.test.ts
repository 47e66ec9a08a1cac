import { describe, expect, it } from 'vitest';
import { SLOTS_PER_MS, SlotAllocator, atSlot, slotOf, slotsOf } from './history-slots.js';

describe('slotsOf', () => {
  it('tries slot 0 first by default, then every other slot exactly once', () => {
    const slots = [...slotsOf('2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d')];
    expect(slots[0]).toBe(0);
    expect(slots).toHaveLength(SLOTS_PER_MS);
    expect(new Set(slots).size).toBe(SLOTS_PER_MS);
  });

  it('tries the preferred slot first, then every other slot exactly once', () => {
    const slots = [...slotsOf('2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d', 417)];
    expect(slots.slice(0, 2)).toEqual([417, 0]);
    expect(slots).toHaveLength(SLOTS_PER_MS);
    expect(new Set(slots).size).toBe(SLOTS_PER_MS);
    expect(slots.filter((s) => s === 417)).toHaveLength(1);
  });

  it('gives one record the same sequence every time, and different records different ones', () => {
    const id = 'a3f1c2d4-0000-4000-8000-000000000001';
    expect([...slotsOf(id, 3)].slice(0, 5)).toEqual([...slotsOf(id, 3)].slice(0, 5));
    const seconds = new Set(Array.from({ length: 50 }, (_, i) => [...slotsOf(`id-${i}`)][1]));
    expect(seconds.size).toBeGreaterThan(40);
  });
});

describe('slotOf and atSlot', () => {
  it('round-trip every slot beside a current epoch millisecond', () => {
    const ms = 1_795_000_123_456;
    for (let slot = 0; slot < SLOTS_PER_MS; slot++) {
      const at = atSlot(ms, slot);
      expect(Math.floor(at)).toBe(ms);
      expect(slotOf(at)).toBe(slot);
    }
  });

  it('reads a whole millisecond as slot 0', () => {
    expect(slotOf(1_795_000_123_456)).toBe(0);
  });
});

describe('SlotAllocator', () => {
  it('hands out 0, 1, 2… per user and millisecond', () => {
    const slots = new SlotAllocator();
    expect([slots.take('u1', 5), slots.take('u1', 5), slots.take('u1', 5)]).toEqual([0, 1, 2]);
    expect(slots.take('u2', 5)).toBe(0);
    expect(slots.take('u1', 6)).toBe(0);
    expect(slots.take('u1', 5.7)).toBe(3);
  });

  it('never repeats a slot within a millisecond until all of them are used', () => {
    const slots = new SlotAllocator();
    const taken = Array.from({ length: SLOTS_PER_MS }, () => slots.take('u', 1));
    expect(new Set(taken).size).toBe(SLOTS_PER_MS);
    expect(slots.take('u', 1)).toBe(0);
  });

  it('forgets the least recently used milliseconds past its capacity', () => {
    const slots = new SlotAllocator(2);
    slots.take('u', 1);
    slots.take('u', 2);
    slots.take('u', 1);
    slots.take('u', 3);
    expect(slots.take('u', 1)).toBe(2);
    expect(slots.take('u', 2)).toBe(0);
  });
});
