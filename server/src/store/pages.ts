/**
 * Every page of a Query or Scan, following LastEvaluatedKey until the table says there is no more (or the caller
 * stops iterating). `read` sends one request starting at `startKey`. Works for the document client's pages and the
 * raw client's alike.
 */
export async function* pages<K, P extends { LastEvaluatedKey?: K }>(
  read: (startKey: K | undefined) => Promise<P>,
  startKey?: NoInfer<K>,
): AsyncGenerator<P> {
  let key = startKey;
  do {
    const page = await read(key);
    yield page;
    key = page.LastEvaluatedKey;
  } while (key);
}
