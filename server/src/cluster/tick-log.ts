import type { Redis } from 'ioredis';
import { tickSchema, type Tick } from '@tickwatch/shared';
import { IngestUnavailableError } from '../ingest/tick-pipeline.js';
import type { ClusterKeys } from './keys.js';
import { LuaScript } from './redis.js';
import { shardOf } from './sharding.js';
import type { StreamEntry } from './stream-follower.js';

/**
 * Appends a batch of ticks to their shards' streams in one atomic step, optionally only while a fencing token still
 * holds its lease (the feed leader's). Answers how many were appended, or -1 when the token no longer holds.
 * KEYS: the lease, then one stream per tick. ARGV: the token ('' for none), then one payload per tick.
 */
const APPEND = new LuaScript<number>(`
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], '*', 't', ARGV[i])
end
return #KEYS - 1`);

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

/** One entry of a tick stream. */
export interface LoggedTick {
  id: string;
  tick: Tick;
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

  streamOf(symbol: string): string {
    return this.keys.tickStream(shardOf(symbol, this.shards));
  }

  /** Appends all of `ticks` or none; with `fence`, only while that token holds the feed's lease. */
  async append(ticks: readonly Tick[], fence?: string): Promise<void> {
    if (ticks.length === 0) return;
    const keys = [this.keys.feedLease, ...ticks.map((tick) => this.streamOf(tick.symbol))];
    const args = [fence ?? '', ...ticks.map((tick) => JSON.stringify(tick))];
    let appended: number;
    try {
      appended = await APPEND.run(this.redis, keys, args);
    } catch (err) {
      throw new TickLogUnavailableError(`Redis did not take the ticks: ${(err as Error).message}`, { cause: err });
    }
    if (appended < 0) throw new NotFeedLeaderError('the feed lease is held by another process');
  }
}

/**
 * Reads a stream reply (`[[key, [[id, [field, value, ...]], ...]], ...]`) into ticks per stream. An entry that is
 * not a valid tick (written by something else) comes back with `tick` undefined, to be acknowledged and skipped.
 */
export function parseEntries(entries: StreamEntry[]): { id: string; tick: Tick | undefined }[] {
  return entries.map(([id, fields]) => {
    const index = fields.indexOf('t');
    if (index < 0 || index + 1 >= fields.length) return { id, tick: undefined };
    try {
      const parsed = tickSchema.safeParse(JSON.parse(fields[index + 1]!));
      return { id, tick: parsed.success ? parsed.data : undefined };
    } catch {
      return { id, tick: undefined };
    }
  });
}

/** The valid ticks of some entries. */
export function ticksOf(entries: StreamEntry[]): Tick[] {
  return parseEntries(entries).flatMap((entry) => (entry.tick ? [entry.tick] : []));
}

/** The millisecond part of a stream entry id. */
export function entryTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
