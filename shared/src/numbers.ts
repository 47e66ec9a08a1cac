import type { z } from 'zod';

/**
 * What a number must be for DynamoDB to store it and for the AWS SDK to write and read it back.
 *
 * - DynamoDB: 0, or a magnitude from 1e-130 to 9.9999999999999999999999999999999999999e125, with at most 38
 *   significant digits. Anything else fails the whole request (a BatchWriteItem of 25 ticks, a fire record).
 * - The SDK's document client (without `NumberValue`, which we do not use) refuses to write a number beyond
 *   ±Number.MAX_SAFE_INTEGER (2^53 − 1) and to read one back, so that is the practical upper bound, for integers
 *   and fractions alike.
 * - 38 digits always hold: the SDK writes `String(n)`, the shortest text that reads back as the same double, which
 *   has at most 17 significant digits.
 */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
/** DynamoDB documents 9.9999999999999999999999999999999999999e125, which as a double is 1e126. */
export const DYNAMODB_MAX_MAGNITUDE = 1e126;
export const MAX_STORABLE_NUMBER = Number.MAX_SAFE_INTEGER;

export const UNSTORABLE_MESSAGE = `must be 0 or between 1e-130 and ${MAX_STORABLE_NUMBER} in size, a number the store can hold`;

/** Whether DynamoDB and the SDK can hold `n` exactly as it is. */
export function isStorableNumber(n: number): boolean {
  if (n === 0) return true;
  const magnitude = Math.abs(n);
  return magnitude >= DYNAMODB_MIN_MAGNITUDE && magnitude <= MAX_STORABLE_NUMBER;
}

/**
 * The zod check for "a number DynamoDB can store", appended to a number schema after its domain bounds:
 * `storable(z.number().positive().max(MAX_PRICE))`. It reports only when the domain checks passed, so a field
 * gets one message, the more useful one. Every number a shared schema accepts goes through it (schema-numbers.test.ts
 * holds every numeric field to that).
 */
export function storable<S extends z.ZodType<number, unknown>>(schema: S): S {
  return schema.refine(isStorableNumber, {
    message: UNSTORABLE_MESSAGE,
    when: (payload) => payload.issues.length === 0,
  });
}

/**
 * The nearest number the store can hold, for numbers the server derives rather than receives (bounds of a range
 * query, computed levels): magnitudes under 1e-130 become 0, and anything beyond ±2^53 − 1 (±Infinity too) is
 * clamped to it. NaN has no nearest storable number and throws.
 */
export function toStorableNumber(n: number): number {
  if (Number.isNaN(n)) throw new RangeError('NaN cannot be stored');
  if (Math.abs(n) < DYNAMODB_MIN_MAGNITUDE) return 0;
  return Math.min(MAX_STORABLE_NUMBER, Math.max(-MAX_STORABLE_NUMBER, n));
}
