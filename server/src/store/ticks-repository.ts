import { BatchWriteCommand, DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  SYMBOL_PATTERN,
  barStart,
  tickExpiresAt,
  toStorableNumber,
  type KeyedSpan,
  type StoredTick,
  type Tick,
} from '@tickwatch/shared';
import { SECOND_MS } from './second-aggregator.js';
import { keyToTimestampMs } from './tick-sequencer.js';
import { z } from 'zod';
import { backoffDelay, sleep } from '../backoff.js';
import { isConditionFailure } from './alerts-repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { pages } from './pages.js';
import { TICK_TTL_SECONDS } from './tables.js';
import type { DocumentClient } from './document-client.js';

/**
 * Stored ticks per page when spans are read in full (candles, the minute bars' warm-up). The embedded store answers
 * in this process, and one of DynamoDB's 1 MB pages (about 10,000 ticks) held the event loop for 60-100 ms, between
 * the store reading it, the SDK parsing it and the fold; a page of 500 is a few milliseconds of each
 * (`npm run bench:candles`).
 */
const STORED_SPANS_PAGE = 500;

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
  /**
   * With TICK_STORE=seconds the item is a second's trades (store/second-aggregator.ts), under its first trade's key:
   * `price` and `source` are its last trade's, `volume` its total, and these its first price, extremes and trade
   * count. An item without them is one trade.
   */
  open?: number;
  high?: number;
  low?: number;
  trades?: number;
  /** The key of a second's last trade: when its `price` traded. */
  last_key?: number;
}

export const BATCH_WRITE_LIMIT = 25;

/**
 * The symbols with stored ticks are listed inside `realtime_ticks`, so that start-up finds them with one Query instead
 * of a Scan of every tick: one item per symbol under this partition key, which no symbol can equal (a symbol starts
 * with a letter). Its sort key is the symbol as a number (`symbolKey`) and its `ttl` at least that of the symbol's
 * newest stored tick, so TTL expiry (or the sweeper) removes it along with the symbol's last tick.
 */
export const SYMBOL_REGISTRY = '#symbols';
/**
 * How far an entry's ttl runs past the tick that wrote it. Only a tick that outlives the entry rewrites it, so each
 * symbol costs at most one registry write per this many seconds of trading.
 */
export const REGISTRY_SLACK_SECONDS = 3_600;

/** Symbol characters in ASCII order, so that keys sort as symbols do; digit 0 pads a short symbol. */
const SYMBOL_DIGITS = '-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SYMBOL_BASE = SYMBOL_DIGITS.length + 1;
/** The longest symbol SYMBOL_PATTERN allows. */
const SYMBOL_MAX_LENGTH = 10;

/**
 * A symbol as a whole number: one base-39 digit per character, padded to ten digits. Distinct symbols get distinct
 * keys, ordered as the symbols are, and the largest (39^10 − 1) is below 2^53, so the store and the SDK hold it
 * exactly. Undefined for a string that is not a symbol.
 */
export function symbolKey(symbol: string): number | undefined {
  if (!SYMBOL_PATTERN.test(symbol)) return undefined;
  let key = 0;
  for (let i = 0; i < SYMBOL_MAX_LENGTH; i++) {
    key = key * SYMBOL_BASE + (i < symbol.length ? SYMBOL_DIGITS.indexOf(symbol[i]!) + 1 : 0);
  }
  return key;
}

/** The symbol `symbolKey` made `key` from; undefined for a number it cannot have made. */
export function symbolOfKey(key: number): string | undefined {
  if (!Number.isSafeInteger(key) || key < 0) return undefined;
  const chars: string[] = [];
  let rest = key;
  for (let i = 0; i < SYMBOL_MAX_LENGTH; i++) {
    // Least significant digit first, with exact integer steps (rest − digit is a multiple of the base).
    const digit = rest % SYMBOL_BASE;
    rest = (rest - digit) / SYMBOL_BASE;
    chars.unshift(digit === 0 ? '' : SYMBOL_DIGITS[digit - 1]!);
  }
  const symbol = chars.join('');
  return rest === 0 && symbolKey(symbol) === key ? symbol : undefined;
}

export function toTickItem(tick: Tick, sortKey: number): TickItem {
  return {
    symbol: tick.symbol,
    timestamp: sortKey,
    price: tick.price,
    volume: tick.volume,
    source: tick.source,
    ttl: tickExpiresAt(tick.timestamp, TICK_TTL_SECONDS),
  };
}

/** The item as one trade: itself, or a second's last trade. */
export function presentTick(item: TickItem): Tick {
  return {
    symbol: item.symbol,
    timestamp: keyToTimestampMs(item.last_key ?? item.timestamp),
    price: item.price,
    volume: item.volume,
    source: item.source,
  };
}

/** The item as the range API returns it: with the second's open, high, low and trade count when it is a second. */
export function presentStored(item: TickItem): StoredTick {
  const tick = presentTick(item);
  if (item.trades === undefined) return tick;
  return { ...tick, open: item.open, high: item.high, low: item.low, trades: item.trades };
}

/**
 * The item's trades as one span, ordered among other stored trades by the item's key alone (the key of its first
 * trade is not stored): folding spans by key gives what folding the items oldest first does.
 */
export function spanOf(item: TickItem): KeyedSpan {
  const { timestamp, price, volume } = presentTick(item);
  return {
    timestamp,
    price,
    volume,
    open: item.open ?? price,
    high: item.high ?? price,
    low: item.low ?? price,
    trades: item.trades ?? 1,
    openKey: item.timestamp,
    closeKey: item.timestamp,
  };
}

/**
 * Ticks that replay the item into anything folding trades in time order (the day bar, indicator bars, re-arm
 * checks): the trade itself, or for a second its open, its low and high (in the order that ends nearer its close),
 * then its last trade with the whole volume. Bars of a second or longer come out as the second's trades make them;
 * the points before the last one are stamped at the second's start, as the store does not say when they traded.
 */
export function tradesOf(item: TickItem): Tick[] {
  const last = presentTick(item);
  if (item.trades === undefined || item.trades === 1) return [last];
  const start = barStart(last.timestamp, SECOND_MS);
  const point = (price: number): Tick => ({ ...last, timestamp: start, price, volume: 0 });
  const { open = last.price, high = last.price, low = last.price } = item;
  const middle = last.price >= open ? [low, high] : [high, low];
  return [point(open), ...middle.map(point), last];
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
  /** The registry entry's ttl each symbol is known to have at least, as written or read by this repository. */
  private readonly registered = new Map<string, number>();
  /** Registrations under way, so that batches of one symbol written side by side register it once. */
  private readonly registering = new Map<string, { ttl: number; done: Promise<void> }>();

  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One BatchWriteItem call of at most 25 items; returns the items DynamoDB left unprocessed. A symbol whose registry
   * entry would expire before these ticks is registered first, so no stored tick is missing from the registry (a
   * crash in between leaves at most a registered symbol without ticks, which costs start-up one empty read).
   */
  async batchPut(items: TickItem[]): Promise<TickItem[]> {
    if (items.length === 0) return [];
    if (items.length > BATCH_WRITE_LIMIT) throw new RangeError(`at most ${BATCH_WRITE_LIMIT} items per batch`);
    await this.register(items);
    const result = await this.doc.send(
      new BatchWriteCommand({ RequestItems: { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    const unprocessed = result.UnprocessedItems?.[this.table] ?? [];
    return unprocessed.flatMap((request) => (request.PutRequest?.Item ? [request.PutRequest.Item as TickItem] : []));
  }

  /**
   * Every stored tick of a symbol's range as spans, newest first, a small page at a time: each page is a round trip
   * to the store, which frees the event loop for other work in between. Once `signal` aborts it throws its reason
   * before the next page.
   */
  async readSpans(
    symbol: string,
    range: { from: number; to: number },
    add: (span: KeyedSpan) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await this.queryNewestFirst({
        symbol,
        from: range.from,
        to: range.to,
        limit: STORED_SPANS_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) add(spanOf(item));
      cursor = page.nextCursor;
    } while (cursor);
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

  /**
   * The symbols that may have live ticks, in symbol order: the registry's live entries, read with one Query (a page
   * holds tens of thousands). An entry outlives its symbol's newest tick by up to REGISTRY_SLACK_SECONDS, so a symbol
   * whose ticks expired within that time is listed although reading its ticks finds none.
   */
  async registeredSymbols(): Promise<string[]> {
    const symbols: string[] = [];
    for (const item of await this.registryEntries(this.nowSeconds())) {
      // An entry no symbol encodes to (one written by hand) names nothing that could be read.
      const symbol = symbolOfKey(item.timestamp);
      if (symbol === undefined) continue;
      symbols.push(symbol);
      this.remember(symbol, item.ttl);
    }
    return symbols;
  }

  /** The registry's entries, in key order: those still live at `liveAt` (epoch seconds), or all of them. */
  private async registryEntries(liveAt?: number): Promise<Pick<TickItem, 'timestamp' | 'ttl'>[]> {
    const entries: Pick<TickItem, 'timestamp' | 'ttl'>[] = [];
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#s = :registry',
          ProjectionExpression: '#t, #ttl',
          ExpressionAttributeNames: { '#s': 'symbol', '#t': 'timestamp', '#ttl': 'ttl' },
          ...(liveAt === undefined
            ? { ExpressionAttributeValues: { ':registry': SYMBOL_REGISTRY } }
            : {
                FilterExpression: '#ttl > :now',
                ExpressionAttributeValues: { ':registry': SYMBOL_REGISTRY, ':now': liveAt },
              }),
          ExclusiveStartKey: startKey,
        }),
      );
    for await (const page of pages(read)) entries.push(...((page.Items ?? []) as typeof entries));
    return entries;
  }

  /**
   * Deletes every expired tick of the registered symbols, and then the registry entries that expired; for stores
   * that do not expire items themselves. Returns how many ticks it deleted. Each symbol's expired ticks are the oldest
   * keys of its partition, found with one Query each, so a sweep reads what it deletes and not the live day. Ticks
   * of a symbol that was never registered (stored by a version before the registry) are kept for good. A symbol that
   * fails does not stop the others: the sweep goes on and then throws the first failure.
   */
  async deleteExpired(): Promise<number> {
    const now = this.nowSeconds();
    let deleted = 0;
    const failures: unknown[] = [];
    for (const entry of await this.registryEntries()) {
      const symbol = symbolOfKey(entry.timestamp);
      try {
        if (symbol !== undefined) deleted += await this.deleteExpiredOf(symbol, now);
        if (entry.ttl <= now) await this.unregister(entry.timestamp, now);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `sweeping expired ticks failed for ${failures.length} symbols`);
    }
    return deleted;
  }

  private async deleteExpiredOf(symbol: string, now: number): Promise<number> {
    let deleted = 0;
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          // A tick is live while floor(ts / 1000) + TTL > now: every key below that second is expired, and the filter
          // keeps the rule exact.
          KeyConditionExpression: '#s = :symbol AND #t < :live',
          FilterExpression: '#ttl <= :now',
          ProjectionExpression: '#s, #t',
          ExpressionAttributeNames: { '#s': 'symbol', '#t': 'timestamp', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':symbol': symbol, ':live': (now - TICK_TTL_SECONDS + 1) * 1000, ':now': now },
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

  /** Deletes an expired registry entry, unless a write registered its symbol again since it was read. */
  private async unregister(key: number, now: number): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { symbol: SYMBOL_REGISTRY, timestamp: key },
          ConditionExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** Registers the symbols of `items` whose entries would expire before them, each with an hour to spare. */
  private async register(items: TickItem[]): Promise<void> {
    const due = new Map<string, number>();
    for (const { symbol, ttl } of items) {
      if (ttl > (this.registered.get(symbol) ?? 0) && ttl > (due.get(symbol) ?? 0)) due.set(symbol, ttl);
    }
    await Promise.all(
      [...due].map(([symbol, ttl]) => {
        const underWay = this.registering.get(symbol);
        if (underWay && underWay.ttl >= ttl) return underWay.done;
        const registration = { ttl: ttl + REGISTRY_SLACK_SECONDS, done: Promise.resolve() };
        registration.done = this.registerSymbol(symbol, registration.ttl).finally(() => {
          if (this.registering.get(symbol) === registration) this.registering.delete(symbol);
        });
        this.registering.set(symbol, registration);
        return registration.done;
      }),
    );
  }

  private async registerSymbol(symbol: string, ttl: number): Promise<void> {
    const key = symbolKey(symbol);
    // The API reads only symbols, so the ticks of anything else could never be listed or read.
    if (key === undefined) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { symbol: SYMBOL_REGISTRY, timestamp: key },
          UpdateExpression: 'SET #ttl = :ttl',
          // Another server, or a batch written meanwhile, may have extended the entry further: never shorten it.
          ConditionExpression: 'attribute_not_exists(#ttl) OR #ttl < :ttl',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':ttl': ttl },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    this.remember(symbol, ttl);
  }

  private remember(symbol: string, ttl: number): void {
    if (ttl > (this.registered.get(symbol) ?? 0)) this.registered.set(symbol, ttl);
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
