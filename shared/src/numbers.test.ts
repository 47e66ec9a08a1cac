import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_STORABLE_NUMBER, UNSTORABLE_MESSAGE, isStorableNumber, storable, toStorableNumber } from './numbers.js';

/** A deterministic stream of arbitrary doubles (every bit pattern but NaN and ±Infinity). */
function* doubles(count: number): Generator<number> {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const view = new DataView(new ArrayBuffer(8));
  for (let produced = 0; produced < count;) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const value = view.getFloat64(0);
    if (Number.isFinite(value)) {
      produced += 1;
      yield value;
    }
  }
}

/** Significant digits of the text the SDK sends for `n` (`String(n)`): leading and trailing zeros do not count. */
const significantDigits = (n: number) =>
  (n.toString().split('e')[0] ?? '').replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;

describe('isStorableNumber', () => {
  it('takes 0 and magnitudes from 1e-130 to 2^53 − 1', () => {
    for (const n of [0, -0, 1e-130, -1e-130, 1, -1, 0.1, 1e-6, 1e9, MAX_STORABLE_NUMBER, -MAX_STORABLE_NUMBER]) {
      expect(isStorableNumber(n), String(n)).toBe(true);
    }
  });

  it('refuses what DynamoDB or the SDK cannot hold', () => {
    for (const n of [
      9e-131,
      1e-200,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      MAX_STORABLE_NUMBER + 2,
      1e16,
      -1e16,
      1e126,
      Number.MAX_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]) {
      expect(isStorableNumber(n), String(n)).toBe(false);
    }
  });

  it('never meets a double with more than the 38 significant digits DynamoDB keeps', () => {
    for (const n of doubles(20_000)) expect(significantDigits(n)).toBeLessThanOrEqual(17);
  });
});

describe('storable', () => {
  it('adds the check after the domain bounds and names one problem per field', () => {
    const schema = z.strictObject({ price: storable(z.number().positive().max(1e9, 'too dear')) });
    expect(schema.safeParse({ price: 1e16 }).error?.issues).toEqual([
      expect.objectContaining({ path: ['price'], message: 'too dear' }),
    ]);
    expect(schema.safeParse({ price: 1e-200 }).error?.issues).toEqual([
      expect.objectContaining({ path: ['price'], message: UNSTORABLE_MESSAGE }),
    ]);
    expect(schema.safeParse({ price: 2.5 }).success).toBe(true);
  });

  it('works on coerced query numbers too', () => {
    const schema = storable(z.coerce.number().nonnegative());
    expect(schema.safeParse('1e-200').success).toBe(false);
    expect(schema.safeParse('9007199254740992').success).toBe(false);
    expect(schema.safeParse('1700000000000.5').data).toBe(1700000000000.5);
  });
});

describe('toStorableNumber', () => {
  it('keeps storable numbers as they are', () => {
    for (const n of [0, 1e-130, -2.5, 1700000000000.001, MAX_STORABLE_NUMBER]) expect(toStorableNumber(n)).toBe(n);
  });

  it('rounds magnitudes under 1e-130 to 0 and clamps to ±(2^53 − 1)', () => {
    expect(toStorableNumber(1e-200)).toBe(0);
    expect(toStorableNumber(-Number.MIN_VALUE)).toBe(0);
    expect(toStorableNumber(1e22)).toBe(MAX_STORABLE_NUMBER);
    expect(toStorableNumber(Number.NEGATIVE_INFINITY)).toBe(-MAX_STORABLE_NUMBER);
    expect(() => toStorableNumber(Number.NaN)).toThrow(RangeError);
  });

  it('always returns a storable number for any finite double', () => {
    for (const n of doubles(20_000)) expect(isStorableNumber(toStorableNumber(n))).toBe(true);
  });
});
