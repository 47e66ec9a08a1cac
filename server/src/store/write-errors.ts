/** DynamoDB's answers that say the request itself is wrong: sending it again gets the same answer. */
const PERMANENT_ERRORS = new Set([
  'ValidationException',
  'SerializationException',
  'ItemCollectionSizeLimitExceededException',
]);

/**
 * Whether a failed write can never succeed as it is (a number DynamoDB cannot hold, an item too large), as opposed
 * to an outage, throttling or a timeout, which retrying fixes. util-dynamodb's `marshall` refuses some values
 * (integers beyond 2^53) before anything is sent: those errors are plain Errors with neither a service `$metadata` nor a network
 * `code`.
 */
export function isPermanentWriteError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (PERMANENT_ERRORS.has(err.name)) return true;
  const { $metadata, code } = err as { $metadata?: unknown; code?: unknown };
  return $metadata === undefined && code === undefined && (err.name === 'Error' || err.name === 'TypeError');
}
