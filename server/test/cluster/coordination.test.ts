import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tick } from '@tickwatch/shared';
import { ClusterKeys, TICK_GROUP } from '../../src/cluster/keys.js';
import { Lease } from '../../src/cluster/lease.js';
import { ShardConsumer, type ShardWork } from '../../src/cluster/shard-consumer.js';
import { ShardOwnership } from '../../src/cluster/shard-ownership.js';
import { shardOf } from '../../src/cluster/sharding.js';
import { NotFeedLeaderError, TickLog, TickLogUnavailableError, type LoggedTick } from '../../src/cluster/tick-log.js';
import { createLogger } from '../../src/log.js';
import { startRedis, type RedisServer } from '../support/redis.js';

/**
 * The cluster's coordination parts against a real redis-server: leases and their fencing, the division of shards
 * among live processes, and the owner's reading of a shard (acknowledged only after its work, taken over when the
 * reader dies). The whole cluster, with real server processes, is in cluster.test.ts.
 */
const log = createLogger('silent', false);
let server: RedisServer;
const connections: Redis[] = [];
let run = 0;

function connect(): Redis {
  const redis = new Redis(server.url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  connections.push(redis);
  return redis;
}

/** Entries of shard 0 read and not yet acknowledged; -1 before the group exists. */
async function pending(redis: Redis, keys: ClusterKeys): Promise<number> {
  try {
    return Number(((await redis.xpending(keys.tickStream(0), TICK_GROUP)) as unknown[])[0]);
  } catch {
    return -1;
  }
}

function tick(symbol: string, timestamp: number, price = 100): Tick {
  return { symbol, timestamp, price, volume: 1, source: 'http_ingest' };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  server = await startRedis();
});
afterEach(() => {
  connections.splice(0).forEach((redis) => redis.disconnect());
});
afterAll(async () => {
  await server.stop();
});

describe('Lease', () => {
  it('has one holder at a time, and a new holder gets a higher fencing token', async () => {
    const redis = connect();
    const key = `lease-${++run}`;
    const lease = new Lease(redis, key, `${key}:fence`, 200);
    const first = await lease.acquire('a');
    expect(first).toBe('a:1');
    expect(await lease.acquire('b')).toBeNull();
    expect(await lease.acquire('a')).toBe(first);
    expect(await lease.renew(first!)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await lease.acquire('b');
    expect(second).toBe('b:2');
    expect(await lease.renew(first!)).toBe(false);
    await lease.release(first!);
    expect(await lease.acquire('a')).toBeNull();
    await lease.release(second!);
    expect(await lease.acquire('a')).toBe('a:3');
  });
});

describe('TickLog', () => {
  it('appends a batch to the shards of its symbols, and refuses a feed append whose token lost the lease', async () => {
    const redis = connect();
    const keys = new ClusterKeys(`log${++run}`);
    const log = new TickLog(redis, keys, 4);
    const now = Date.now();
    await log.append([tick('AAPL', now), tick('MSFT', now), tick('AAPL', now + 1)]);
    const lengths = await Promise.all([0, 1, 2, 3].map((shard) => redis.xlen(keys.tickStream(shard))));
    expect(lengths.reduce((a, b) => a + b)).toBe(3);
    expect(await redis.xlen(keys.tickStream(shardOf('AAPL', 4)))).toBeGreaterThanOrEqual(2);

    const lease = new Lease(redis, keys.feedLease, keys.fence(keys.feedLease), 5_000);
    const token = (await lease.acquire('leader'))!;
    await log.append([tick('AAPL', now + 2)], token);
    await lease.release(token);
    await expect(log.append([tick('AAPL', now + 3)], token)).rejects.toBeInstanceOf(NotFeedLeaderError);
    expect(await redis.xlen(keys.tickStream(shardOf('AAPL', 4)))).toBe(lengths[shardOf('AAPL', 4)]! + 1);
  });

  it('says Redis did not take the ticks when it is unreachable', async () => {
    const redis = new Redis(`redis://127.0.0.1:${server.port}`, { lazyConnect: true, enableOfflineQueue: false });
    const log = new TickLog(redis, new ClusterKeys('down'), 4);
    await expect(log.append([tick('AAPL', Date.now())])).rejects.toBeInstanceOf(TickLogUnavailableError);
  });
});

describe('ShardOwnership', () => {
  const timing = { leaseMs: 600, intervalMs: 100 };

  it('divides the shards among live members, and a member that dies hands its shards to the others', async () => {
    const keys = new ClusterKeys(`own${++run}`);
    const owners = new Map<number, string>();
    const member = (name: string, redis: Redis) =>
      new ShardOwnership(
        redis,
        keys,
        8,
        name,
        {
          acquired: (shard) => {
            expect(owners.get(shard)).toBeUndefined();
            owners.set(shard, name);
          },
          lost: async (shard) => {
            if (owners.get(shard) === name) owners.delete(shard);
          },
        },
        log,
        timing,
      );
    const a = member('a', connect());
    const bRedis = connect();
    const b = member('b', bRedis);
    await Promise.all([a.start(), b.start()]);
    await until(() => owners.size === 8 && a.owned().length > 0 && b.owned().length > 0, 5_000);
    expect([...a.owned(), ...b.owned()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // b loses Redis: it stops working on its shards before their leases lapse, and a takes them over.
    bRedis.disconnect();
    const lostAt = Date.now();
    await until(() => a.owned().length === 8, 5_000);
    expect(Date.now() - lostAt).toBeLessThan(5_000);
    expect(b.owned()).toEqual([]);
    await a.stop();
    await b.stop();
  });

  it('hands a shard over when a new member joins, without two owners at once', async () => {
    const keys = new ClusterKeys(`join${++run}`);
    const holders = new Map<number, Set<string>>();
    let overlaps = 0;
    const member = (name: string) =>
      new ShardOwnership(
        connect(),
        keys,
        8,
        name,
        {
          acquired: (shard) => {
            const set = holders.get(shard) ?? new Set();
            if (set.size > 0) overlaps += 1;
            set.add(name);
            holders.set(shard, set);
          },
          lost: async (shard) => {
            holders.get(shard)?.delete(name);
          },
        },
        log,
        timing,
      );
    const a = member('a');
    await a.start();
    await until(() => a.owned().length === 8, 5_000);
    const b = member('b');
    await b.start();
    await until(() => b.owned().length > 0 && a.owned().length + b.owned().length === 8, 5_000);
    expect(overlaps).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  });
});

/** Work that holds nothing back: every entry may be acknowledged once `work` is done with its batch's ticks. */
function everyEntry(work: (ticks: LoggedTick[]) => Promise<void>): ShardWork {
  return {
    work: async (_shard, entries) => {
      await work(entries.flatMap(({ logged }) => (logged ? [logged] : [])));
      return entries.map(({ id }) => id);
    },
    flush: () => Promise.resolve([]),
    acknowledged: () => undefined,
    drop: () => undefined,
  };
}

describe('ShardConsumer', () => {
  it('acknowledges entries only after their work, and a new owner takes over what a dead one left', async () => {
    const redis = connect();
    const keys = new ClusterKeys(`consume${++run}`);
    const tickLog = new TickLog(redis, keys, 1);
    const lease = new Lease(redis, keys.shardLease(0), keys.fence(keys.shardLease(0)), 60_000);
    const now = Date.now();
    await tickLog.append([tick('AAPL', now, 1), tick('AAPL', now + 1, 2)]);

    // The first owner's work never finishes: it dies holding the entries unacknowledged.
    const first = await lease.acquire('first');
    const stuck = new ShardConsumer(
      connect(),
      keys,
      'first',
      everyEntry(() => new Promise(() => {})),
      log,
    );
    stuck.add(0, first!);
    stuck.start();
    await until(async () => (await pending(redis, keys)) === 2, 5_000);
    connections[connections.length - 1]!.disconnect();
    await lease.release(first!);

    const seen: number[] = [];
    const second = await lease.acquire('second');
    const owner = new ShardConsumer(
      connect(),
      keys,
      'second',
      everyEntry(async (ticks) => {
        seen.push(...ticks.map(({ tick }) => tick.price));
      }),
      log,
    );
    owner.add(0, second!);
    owner.start();
    await tickLog.append([tick('AAPL', now + 2, 3)]);
    await until(() => seen.length === 3, 5_000);
    expect(seen).toEqual([1, 2, 3]);
    await until(async () => (await pending(redis, keys)) === 0, 5_000);
    await owner.stop();
  });

  it('does not acknowledge for a token that lost the lease, and retries failed work', async () => {
    const redis = connect();
    const keys = new ClusterKeys(`fence${++run}`);
    const tickLog = new TickLog(redis, keys, 1);
    const lease = new Lease(redis, keys.shardLease(0), keys.fence(keys.shardLease(0)), 60_000);
    const token = (await lease.acquire('owner'))!;
    let attempts = 0;
    const consumer = new ShardConsumer(
      connect(),
      keys,
      'owner',
      everyEntry(async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('the store is away');
      }),
      log,
    );
    consumer.add(0, token);
    consumer.start();
    await tickLog.append([tick('AAPL', Date.now())]);
    await until(() => attempts >= 2, 5_000);
    await until(async () => (await pending(redis, keys)) === 0, 5_000);

    await lease.release(token);
    await lease.acquire('usurper');
    await tickLog.append([tick('AAPL', Date.now() + 1)]);
    await until(() => attempts >= 3, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pending(redis, keys)).toBe(1);
    await consumer.stop();
  });
});
