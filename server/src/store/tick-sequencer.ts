/**
 * The ticks table's sort key is the trade time in milliseconds, and busy symbols print several trades in one
 * millisecond. BatchWriteItem cannot add to an existing item, so instead of letting the second trade overwrite
 * the first we give each trade in the same millisecond its own key: `ms + n/1000` for the n-th extra trade
 * (DynamoDB numbers are decimals, so the key stays a millisecond timestamp that sorts in arrival order). Readers
 * floor it back to whole milliseconds.
 *
 * Limits, documented in docs/storage.md: up to 1000 trades per symbol per millisecond are kept apart (beyond that
 * the last key is reused), and only the most recent RECENT_MS_PER_SYMBOL distinct milliseconds of each symbol are
 * remembered, so a trade arriving far out of order, or after a restart, for a millisecond already stored can still
 * replace it.
 */
export const MAX_TRADES_PER_MS = 1000;
export const RECENT_MS_PER_SYMBOL = 256;

export class TickSequencer {
  private readonly seen = new Map<string, Map<number, number>>();

  /** Returns the sort key to store a trade of `symbol` at `timestampMs` under. */
  next(symbol: string, timestampMs: number): number {
    let recent = this.seen.get(symbol);
    if (!recent) {
      recent = new Map();
      this.seen.set(symbol, recent);
    }
    const previous = recent.get(timestampMs);
    if (previous === undefined) {
      recent.set(timestampMs, 0);
      if (recent.size > RECENT_MS_PER_SYMBOL) {
        const oldest = recent.keys().next().value as number;
        recent.delete(oldest);
      }
      return timestampMs;
    }
    const n = Math.min(previous + 1, MAX_TRADES_PER_MS - 1);
    recent.set(timestampMs, n);
    return tickKey(timestampMs, n);
  }
}

/** The sort key of the n-th extra trade of a millisecond (n = 0 for the first). */
export function tickKey(timestampMs: number, n: number): number {
  return n === 0 ? timestampMs : timestampMs + n / MAX_TRADES_PER_MS;
}

/** The trade time in whole milliseconds, from a stored sort key. */
export function keyToTimestampMs(key: number): number {
  return Math.floor(key);
}
