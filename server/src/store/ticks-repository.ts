import { BatchWriteCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toStorableNumber, type Tick } from '@tickwatch/shared';
import { keyToTimestampMs } from './tick-sequencer.js';
import { z } from 'zod';
import { backoffDelay, sleep } from '../backoff.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { pages } from './pages.js';
import { TICK_TTL_SECONDS } from './tables.js';

const DELETE_RETRY = { baseMs: 100, maxMs: 2_000 };

/** A tick as stored in `realtime_ticks` (the seed's attributes). */
export interface TickItem {
  symbol: string;
  /** Sort key: epoch ms, plus a fraction for extra trades in the same millisecond (see TickSequencer). */
  timestamp: number;
  price: number;
  volume: number;
  source: Tick['source'];
  ttl: number;
}

export const BATCH_WRITE_LIMIT = 25;

export function toTickItem(tick: Tick, sortKey: number): TickItem {
  return {
    symbol: tick.symbol,
    timestamp: sortKey,
    price: tick.price,
    volume: tick.volume,
    source: tick.source,
    ttl: Math.floor(tick.timestamp / 1000) + TICK_TTL_SECONDS,
  };
}

export function presentTick(item: TickItem): Tick {
  return {
    symbol: item.symbol,
    timestamp: keyToTimestampMs(item.timestamp),
    price: item.price,
    volume: item.volume,
    source: item.source,
  };
}

export interface TickRange {
  symbol: string;
  from?: number;
  to?: number;
  limit: number;
  /** Where the previous page ended (its `nextCursor`). */
  cursor?: string;
}

const cursorSchema = z.strictObject({ timestamp: z.number().finite().nonnegative() });

/**
 * Reads and writes `realtime_ticks`. DynamoDB deletes expired items lazily (hours to days late on AWS, never on
 * dynalite), so every read here drops items whose `ttl` has passed.
 */
export class TicksRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** One BatchWriteItem call of at most 25 items; returns the items DynamoDB left unprocessed. */
  async batchPut(items: TickItem[]): Promise<TickItem[]> {
    if (items.length === 0) return [];
    if (items.length > BATCH_WRITE_LIMIT) throw new RangeError(`at most ${BATCH_WRITE_LIMIT} items per batch`);
    const result = await this.doc.send(
      new BatchWriteCommand({ RequestItems: { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    const unprocessed = result.UnprocessedItems?.[this.table] ?? [];
    return unprocessed.flatMap((request) => (request.PutRequest?.Item ? [request.PutRequest.Item as TickItem] : []));
  }

  /**
   * Newest first; a page may be short when expired items were skipped, and `nextCursor` says where to resume.
   * Throws InvalidCursorError for a cursor this API did not hand out.
   */
  async queryNewestFirst(range: TickRange): Promise<{ items: TickItem[]; nextCursor?: string }> {
    const items: TickItem[] = [];
    const after = range.cursor === undefined ? undefined : decodeCursor(range.cursor, cursorSchema).timestamp;
    const condition = this.rangeCondition(range);
    if (!condition) return { items };
    // A cursor can fall out of the range while a client pages (the live window moves every second): that page is
    // simply the last one, where DynamoDB would reject the start key.
    const { ':from': lower, ':to': upper } = condition.ExpressionAttributeValues;
    if (after !== undefined && (after < lower || after > upper)) return { items };
    let more = false;
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          ...condition,
          ScanIndexForward: false,
          Limit: range.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
    for await (const page of pages(
      read,
      after === undefined ? undefined : { symbol: range.symbol, timestamp: after },
    )) {
      items.push(...((page.Items ?? []) as TickItem[]));
      // Items expire oldest first, so once a page skipped an expired item everything older is expired too.
      more = page.LastEvaluatedKey !== undefined && (page.ScannedCount ?? 0) <= (page.Count ?? 0);
      if (!more || items.length >= range.limit) break;
    }
    const last = items.at(-1);
    return { items, ...(more && last ? { nextCursor: encodeCursor({ timestamp: last.timestamp }) } : {}) };
  }

  /** Oldest first, every live tick in the range, page by page. */
  async *scanOldestFirst(range: Omit<TickRange, 'limit' | 'cursor'>): AsyncGenerator<TickItem[]> {
    const condition = this.rangeCondition(range);
    if (!condition) return;
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({ TableName: this.table, ...condition, ScanIndexForward: true, ExclusiveStartKey: startKey }),
      );
    for await (const page of pages(read)) if (page.Items && page.Items.length > 0) yield page.Items as TickItem[];
  }

  async latest(symbol: string): Promise<TickItem | undefined> {
    return (await this.queryNewestFirst({ symbol, limit: 1 })).items[0];
  }

  /** Every symbol with at least one live tick. Reads the whole table: for start-up, not for requests. */
  async listSymbols(): Promise<string[]> {
    const symbols = new Set<string>();
    for await (const page of this.scanLive(['symbol'])) for (const item of page) symbols.add(item.symbol);
    return [...symbols].sort();
  }

  /**
   * Deletes every expired tick; for stores that do not expire items themselves. Returns how many it deleted.
   * Expired items are found by a filtered scan, so this is a background job, never a request path.
   */
  async deleteExpired(): Promise<number> {
    let deleted = 0;
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new ScanCommand({
          TableName: this.table,
          ProjectionExpression: '#s, #t',
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#s': 'symbol', '#t': 'timestamp', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': this.nowSeconds() },
          ExclusiveStartKey: startKey,
        }),
      );
    for await (const page of pages(read)) {
      const keys = (page.Items ?? []) as { symbol: string; timestamp: number }[];
      for (let i = 0; i < keys.length; i += BATCH_WRITE_LIMIT) {
        let requests = keys.slice(i, i + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) await sleep(backoffDelay(attempt, DELETE_RETRY));
          const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
          const left = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
          deleted += requests.length - left.length;
          requests = left;
        }
      }
    }
    return deleted;
  }

  private async *scanLive(attributes: string[]): AsyncGenerator<Pick<TickItem, 'symbol'>[]> {
    const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new ScanCommand({
          TableName: this.table,
          ProjectionExpression: Object.keys(names).join(', '),
          FilterExpression: '#ttl > :now',
          ExpressionAttributeNames: { ...names, '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': this.nowSeconds() },
          ExclusiveStartKey: startKey,
        }),
      );
    for await (const page of pages(read)) yield (page.Items ?? []) as TickItem[];
  }

  private rangeCondition(range: { symbol: string; from?: number; to?: number }) {
    // `to` names a whole millisecond, which covers the fractional keys of extra trades in it; the bound is a number
    // the store can hold whatever `to` is.
    const upper = range.to === undefined ? Number.MAX_SAFE_INTEGER : toStorableNumber(range.to + 0.999);
    // A tick is live while floor(ts / 1000) + TTL > now, so the key range alone skips nearly all expired items;
    // the filter keeps the rule exact.
    const lower = Math.max(range.from ?? 0, (this.nowSeconds() - TICK_TTL_SECONDS + 1) * 1000);
    if (lower > upper) return undefined;
    return {
      KeyConditionExpression: '#s = :symbol AND #t BETWEEN :from AND :to',
      FilterExpression: '#ttl > :now',
      ExpressionAttributeNames: { '#s': 'symbol', '#t': 'timestamp', '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':symbol': range.symbol,
        ':from': lower,
        ':to': upper,
        ':now': this.nowSeconds(),
      },
    };
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
