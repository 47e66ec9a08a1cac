import type { z } from 'zod';
import { issuesFrom, validationFailed } from '../errors.js';
import { InvalidCursorError } from '../store/cursor.js';

/** Parses a body, query or params object through a shared schema; failures become a 400 naming each field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw validationFailed(issuesFrom(result.error), `Invalid ${where === 'body' ? 'request body' : where}`);
  }
  return result.data;
}

/** Runs a paged read; a cursor the store cannot read is a 400 on `cursor`, like any other bad field. */
export async function withCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidCursorError) throw validationFailed([{ path: 'cursor', message: err.message }]);
    throw err;
  }
}
