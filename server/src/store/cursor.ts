import { isStorableNumber } from '@tickwatch/shared';
import type { z } from 'zod';

/** Page cursors are opaque to clients: a DynamoDB key, base64url-encoded. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** Longer than any cursor this API hands out (a key of a uuid, a user id and a number is ~300 characters). */
export const MAX_CURSOR_LENGTH = 1024;
/** Key strings of these tables (alert ids, user ids, symbols) are far shorter. */
const MAX_KEY_STRING = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A cursor back into the key it was made from, or InvalidCursorError (a 400 on `cursor`, see http/validate.ts).
 * A client may send anything, so beyond the repository's schema every value must be one DynamoDB accepts in a
 * start key: a non-empty string of bounded length or a number the store can hold. Otherwise the store (or the SDK)
 * would fail the request with an error of its own.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidCursor();
  let key: z.infer<S>;
  try {
    key = schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
  if (!isKeyLike(key)) throw invalidCursor();
  return key;
}

function isKeyLike(key: unknown): boolean {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
  const values = Object.values(key);
  return (
    values.length > 0 &&
    values.every((value) =>
      typeof value === 'string'
        ? value.length > 0 && value.length <= MAX_KEY_STRING
        : typeof value === 'number' && isStorableNumber(value),
    )
  );
}

function invalidCursor(): InvalidCursorError {
  return new InvalidCursorError('cursor is not one this API returned');
}
