import type { QueryCommandOutput, ScanCommandOutput } from '@aws-sdk/lib-dynamodb';

type Page = QueryCommandOutput | ScanCommandOutput;

/**
 * Every page of a Query or Scan, following LastEvaluatedKey until the table says there is no more (or the caller
 * stops iterating). `read` sends one request starting at `startKey`.
 */
export async function* pages<P extends Page>(
  read: (startKey: Record<string, unknown> | undefined) => Promise<P>,
  startKey?: Record<string, unknown>,
): AsyncGenerator<P> {
  let key = startKey;
  do {
    const page = await read(key);
    yield page;
    key = page.LastEvaluatedKey;
  } while (key);
}
