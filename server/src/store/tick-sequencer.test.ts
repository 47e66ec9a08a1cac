import { describe, it, expect } from 'vitest';
import { MAX_TRADES_PER_MS, RECENT_MS_PER_SYMBOL, TickSequencer, keyToTimestampMs } from './tick-sequencer.js';

/** 2024-11-14T22:13:20.000Z */
const T = 1_731_622_400_000;

describe('TickSequencer constants', () => {
  it('keeps up to 1000 trades per millisecond apart and remembers 256 milliseconds per symbol', () => {
    expect(MAX_TRADES_PER_MS).toBe(1000);
    expect(RECENT_MS_PER_SYMBOL).toBe(256);
  });
});

describe('TickSequencer.next', () => {
  it('returns the timestamp itself for the first trade in a millisecond', () => {
    const seq = new TickSequencer();
    expect(seq.next('AAPL', T)).toBe(T);
  });

  it('returns the timestamp itself for trades in different milliseconds', () => {
    const seq = new TickSequencer();
    expect([T, T + 1, T + 2, T + 1_000].map((t) => seq.next('AAPL', t))).toEqual([T, T + 1, T + 2, T + 1_000]);
  });

  it('gives same-millisecond trades distinct, strictly increasing keys in arrival order', () => {
    const seq = new TickSequencer();
    const keys = Array.from({ length: 10 }, () => seq.next('AAPL', T));
    expect(new Set(keys).size).toBe(10);
    for (let i = 1; i < keys.length; i++) expect(keys[i]!).toBeGreaterThan(keys[i - 1]!);
  });

  it('uses ms + n/1000 for the n-th extra trade in a millisecond', () => {
    const seq = new TickSequencer();
    const keys = Array.from({ length: 4 }, () => seq.next('AAPL', T));
    expect(keys).toEqual([T, T + 0.001, T + 0.002, T + 0.003]);
  });

  it('keeps every same-millisecond key below the next millisecond, so keys sort by time first', () => {
    const seq = new TickSequencer();
    const keys = Array.from({ length: MAX_TRADES_PER_MS }, () => seq.next('AAPL', T));
    const nextMs = seq.next('AAPL', T + 1);
    expect(nextMs).toBe(T + 1);
    for (const key of keys) {
      expect(key).toBeGreaterThanOrEqual(T);
      expect(key).toBeLessThan(T + 1);
    }
  });

  it('produces keys that floor back to the trade millisecond', () => {
    const seq = new TickSequencer();
    for (let i = 0; i < MAX_TRADES_PER_MS + 5; i++) {
      expect(keyToTimestampMs(seq.next('AAPL', T))).toBe(T);
    }
  });

  it('sequences each symbol independently', () => {
    const seq = new TickSequencer();
    expect(seq.next('AAPL', T)).toBe(T);
    expect(seq.next('MSFT', T)).toBe(T);
    expect(seq.next('AAPL', T)).toBe(T + 0.001);
    expect(seq.next('MSFT', T)).toBe(T + 0.001);
    expect(seq.next('NVDA', T)).toBe(T);
    expect(seq.next('AAPL', T)).toBe(T + 0.002);
  });

  it('treats symbols case-sensitively (callers pass normalised upper-case symbols)', () => {
    const seq = new TickSequencer();
    expect(seq.next('AAPL', T)).toBe(T);
    expect(seq.next('aapl', T)).toBe(T);
  });

  it('keeps separate TickSequencer instances independent', () => {
    const a = new TickSequencer();
    const b = new TickSequencer();
    a.next('AAPL', T);
    expect(b.next('AAPL', T)).toBe(T);
  });

  it('keeps keys distinct when milliseconds arrive interleaved and out of order', () => {
    const seq = new TickSequencer();
    const arrivals = [T + 5, T + 2, T + 5, T + 9, T + 2, T + 5, T + 1, T + 9, T + 2, T + 1];
    const keys = arrivals.map((t) => seq.next('AAPL', t));
    expect(new Set(keys).size).toBe(arrivals.length);
    expect(keys.map(keyToTimestampMs)).toEqual(arrivals);
    expect(keys).toEqual([
      T + 5,
      T + 2,
      T + 5.001,
      T + 9,
      T + 2.001,
      T + 5.002,
      T + 1,
      T + 9.001,
      T + 2.002,
      T + 1.001,
    ]);
  });

  it('keeps keys distinct for a late trade into a millisecond seen a while ago (within the remembered window)', () => {
    const seq = new TickSequencer();
    const first = seq.next('AAPL', T);
    for (let i = 1; i < RECENT_MS_PER_SYMBOL; i++) seq.next('AAPL', T + i);
    expect(seq.next('AAPL', T)).toBe(first + 0.001);
  });

  describe('the per-millisecond cap', () => {
    it('gives the first 1000 trades in a millisecond 1000 distinct keys ending at ms + 0.999', () => {
      const seq = new TickSequencer();
      const keys = Array.from({ length: MAX_TRADES_PER_MS }, () => seq.next('AAPL', T));
      expect(new Set(keys).size).toBe(MAX_TRADES_PER_MS);
      expect(keys[0]).toBe(T);
      expect(keys.at(-1)).toBe(T + 0.999);
      keys.forEach((key, n) => expect(key).toBe(T + n / 1000));
    });

    it('reuses the last key (ms + 0.999) for the 1001st and later trades in the same millisecond', () => {
      const seq = new TickSequencer();
      for (let i = 0; i < MAX_TRADES_PER_MS; i++) seq.next('AAPL', T);
      expect(seq.next('AAPL', T)).toBe(T + 0.999);
      expect(seq.next('AAPL', T)).toBe(T + 0.999);
      expect(seq.next('AAPL', T)).toBe(T + 0.999);
    });

    it('does not let a full millisecond affect the next millisecond or other symbols', () => {
      const seq = new TickSequencer();
      for (let i = 0; i < MAX_TRADES_PER_MS + 10; i++) seq.next('AAPL', T);
      expect(seq.next('AAPL', T + 1)).toBe(T + 1);
      expect(seq.next('MSFT', T)).toBe(T);
    });
  });

  describe('forgetting old milliseconds', () => {
    it('remembers exactly RECENT_MS_PER_SYMBOL distinct milliseconds per symbol', () => {
      const seq = new TickSequencer();
      for (let i = 0; i < RECENT_MS_PER_SYMBOL; i++) seq.next('AAPL', T + i);
      // All 256 still remembered: each repeat gets a fractional key.
      for (let i = 0; i < RECENT_MS_PER_SYMBOL; i++) expect(seq.next('AAPL', T + i)).toBe(T + i + 0.001);
    });

    it('forgets the oldest millisecond once a 257th distinct one arrives, so a repeat of it gets the bare ms again', () => {
      const seq = new TickSequencer();
      seq.next('AAPL', T);
      seq.next('AAPL', T); // T + 0.001
      for (let i = 1; i <= RECENT_MS_PER_SYMBOL; i++) seq.next('AAPL', T + i);
      // T was evicted: its counter restarted. This is the documented limit (a far-out-of-order trade can collide).
      expect(seq.next('AAPL', T)).toBe(T);
      // The second-oldest is evicted by T's re-insertion; the newest ones are still remembered.
      expect(seq.next('AAPL', T + RECENT_MS_PER_SYMBOL)).toBe(T + RECENT_MS_PER_SYMBOL + 0.001);
    });

    it('evicts in first-seen order, not by timestamp value', () => {
      const seq = new TickSequencer();
      // First seen: a late (numerically largest) millisecond, then 256 smaller ones.
      seq.next('AAPL', T + 10_000);
      for (let i = 0; i < RECENT_MS_PER_SYMBOL; i++) seq.next('AAPL', T + i);
      expect(seq.next('AAPL', T + 10_000)).toBe(T + 10_000);
    });

    it('forgets per symbol: another symbol’s traffic does not evict this symbol’s milliseconds', () => {
      const seq = new TickSequencer();
      seq.next('AAPL', T);
      for (let i = 1; i <= RECENT_MS_PER_SYMBOL * 2; i++) seq.next('MSFT', T + i);
      expect(seq.next('AAPL', T)).toBe(T + 0.001);
    });

    it('keeps working over a long stream of milliseconds (bounded memory, correct keys)', () => {
      const seq = new TickSequencer();
      for (let i = 0; i < 20_000; i++) {
        expect(seq.next('AAPL', T + i)).toBe(T + i);
        expect(seq.next('AAPL', T + i)).toBe(T + i + 0.001);
      }
    });
  });
});

describe('keyToTimestampMs', () => {
  it('returns whole milliseconds unchanged', () => {
    expect(keyToTimestampMs(T)).toBe(T);
  });

  it('floors a fractional key back to its millisecond', () => {
    expect(keyToTimestampMs(T + 0.001)).toBe(T);
    expect(keyToTimestampMs(T + 0.5)).toBe(T);
    expect(keyToTimestampMs(T + 0.999)).toBe(T);
  });
});

describe('sort keys survive DynamoDB’s decimal-string number encoding', () => {
  // DynamoDB's wire format carries numbers as decimal strings (`{ N: String(key) }`); reading them back is Number().
  const REALISTIC_MS = [
    Date.UTC(2000, 0, 1), // earliest accepted tick
    Date.UTC(2020, 1, 29, 23, 59, 59, 999),
    T,
    1_735_689_599_999, // 2024-12-31T23:59:59.999Z
    Date.UTC(2025, 5, 15, 13, 30, 0, 1),
    Date.UTC(2038, 0, 19, 3, 14, 8, 0), // past the 32-bit seconds rollover
    Date.UTC(2099, 11, 31, 23, 59, 59, 999),
    Date.UTC(2200, 0, 1),
  ];

  it.each(REALISTIC_MS)('round-trips every key n = 0…999 of millisecond %i exactly through String → Number', (ms) => {
    const seq = new TickSequencer();
    const seen = new Set<string>();
    let previous = -Infinity;
    for (let n = 0; n < MAX_TRADES_PER_MS; n++) {
      const key = seq.next('AAPL', ms);
      const wire = String(key);
      const back = Number(wire);
      expect(back).toBe(key);
      expect(keyToTimestampMs(back)).toBe(ms);
      // The stored decimal is exactly `ms.nnn` (trailing zeros dropped), so other readers see the intended value.
      const expectedWire = n === 0 ? String(ms) : `${ms}.${String(n).padStart(3, '0')}`.replace(/0+$/, '');
      expect(wire).toBe(expectedWire);
      expect(wire).not.toMatch(/e/i);
      expect(back).toBeGreaterThan(previous);
      previous = back;
      seen.add(wire);
    }
    expect(seen.size).toBe(MAX_TRADES_PER_MS);
  });

  it('keeps wire strings ordered numerically across a millisecond boundary', () => {
    const seq = new TickSequencer();
    const ms = T + 123;
    const last = String(Array.from({ length: MAX_TRADES_PER_MS }, () => seq.next('AAPL', ms)).at(-1));
    const nextFirst = String(seq.next('AAPL', ms + 1));
    expect(last).toBe(`${ms}.999`);
    expect(nextFirst).toBe(`${ms + 1}`);
    expect(Number(last)).toBeLessThan(Number(nextFirst));
  });
});
