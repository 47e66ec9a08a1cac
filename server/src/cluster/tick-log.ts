import type { Redis } from 'ioredis';
import { tickSchema, type Tick } from '@tickwatch/shared';
import { IngestUnavailableError } from '../ingest/tick-pipeline.js';
import type { ClusterKeys } from './keys.js';
import { LuaScript } from './redis.js';
import { MAX_TRADES_PER_MS, tickKey } from '../store/tick-sequencer.js';
import { shardOf } from './sharding.js';
import type { StreamEntry } from './stream-follower.js';

/**
 * Appends a batch of ticks to their shards' streams in one atomic step, optionally only while a fencing token still
 * holds its lease (the feed leader's). Each entry carries the tick and `n`, its place among the trades of its symbol
 * and millisecond, so its storage key (store/tick-sequencer.ts) is fixed here, once: whoever stores the entry, and
 * however often, writes the same item. Each shard keeps its symbols' last millisecond and count in a hash; a trade
 * older than its symbol's last millisecond (late) takes n = 0, so it replaces a stored trade of that millisecond.
 * Answers how many were appended, or -1 when the token no longer holds.
 * KEYS: the lease, then one stream per tick, then one hash per tick. ARGV: the token ('' for none), then per tick
 * its symbol, its millisecond and its payload.
 */
const APPEND = new LuaScript<number>(`
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local count = (#KEYS - 1) / 2
for i = 1, count do
  local symbol, ms = ARGV[3 * i - 1], tonumber(ARGV[3 * i])
  local hash = KEYS[1 + count + i]
  local last = redis.call('HGET', hash, symbol)
  local n = 0
  local lastMs, lastN = -1, 0
  if last then
    local sep = string.find(last, ':', 1, true)
    lastMs, lastN = tonumber(string.sub(last, 1, sep - 1)), tonumber(string.sub(last, sep + 1))
  end
  if ms == lastMs then
    n = math.min(lastN + 1, ${MAX_TRADES_PER_MS - 1})
  end
  if ms >= lastMs then
    redis.call('HSET', hash, symbol, ARGV[3 * i] .. ':' .. n)
  end
  redis.call('XADD', KEYS[1 + i], '*', 't', ARGV[3 * i + 1], 'n', n)
end
return count`);

/** Redis did not take the ticks: nothing of the batch was appended, so the same batch may be sent again. */
export class TickLogUnavailableError extends IngestUnavailableError {
  override name = 'TickLogUnavailableError';
  readonly publicMessage =
    'Ticks cannot be stored durably right now (Redis is unreachable); retry the same batch shortly';
}

/** The feed's lease moved to another process: this process must stop feeding. */
export class NotFeedLeaderError extends Error {
  override name = 'NotFeedLeaderError';
}

/** A tick of the log, with the key the store holds it under. */
export interface LoggedTick {
  tick: Tick;
  key: number;
}

/**
 * The cluster's durable log of accepted ticks: Redis Streams, one per shard, a symbol always in the same shard so
 * its ticks keep their order. A tick is accepted once it is here (Redis's AOF makes that durable); the shard's owner
 * stores and evaluates it from here, and every process reads it for live prices.
 */
export class TickLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    readonly shards: number,
  ) {}

  /** Appends all of `ticks` or none; with `fence`, only while that token holds the feed's lease. */
  async append(ticks: readonly Tick[], fence?: string): Promise<void> {
    if (ticks.length === 0) return;
    const shards = ticks.map((tick) => shardOf(tick.symbol, this.shards));
    const keys = [
      this.keys.feedLease,
      ...shards.map((shard) => this.keys.tickStream(shard)),
      ...shards.map((shard) => this.keys.tickKeys(shard)),
    ];
    const args = [fence ?? ''];
    for (const tick of ticks) args.push(tick.symbol, String(tick.timestamp), JSON.stringify(tick));
    let appended: number;
    try {
      appended = await APPEND.run(this.redis, keys, args);
    } catch (err) {
      throw new TickLogUnavailableError(`Redis did not take the ticks: ${(err as Error).message}`, { cause: err });
    }
    if (appended < 0) throw new NotFeedLeaderError('the feed lease is held by another process');
  }
}

/** A stream entry: its id, and its tick unless it is not one (written by something else). */
export interface LogEntry {
  id: string;
  logged: LoggedTick | undefined;
}

/**
 * Reads a stream reply's entries into ticks with their storage keys. An entry that is not a valid tick (written by
 * something else) comes back with `tick` undefined, to be acknowledged and skipped.
 */
export function parseEntries(entries: StreamEntry[]): LogEntry[] {
  return entries.map(([id, fields]) => {
    const payload = fieldOf(fields, 't');
    const n = Number(fieldOf(fields, 'n') ?? 0);
    if (payload === undefined || !Number.isInteger(n) || n < 0 || n >= MAX_TRADES_PER_MS)
      return { id, logged: undefined };
    try {
      const parsed = tickSchema.safeParse(JSON.parse(payload));
      return { id, logged: parsed.success ? { tick: parsed.data, key: tickKey(parsed.data.timestamp, n) } : undefined };
    } catch {
      return { id, logged: undefined };
    }
  });
}

/** The valid ticks of some entries. */
export function ticksOf(entries: StreamEntry[]): LoggedTick[] {
  return parseEntries(entries).flatMap((entry) => (entry.logged ? [entry.logged] : []));
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The millisecond part of a stream entry id. */
export function entryTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
