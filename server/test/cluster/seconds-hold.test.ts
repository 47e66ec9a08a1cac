import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tick } from '@tickwatch/shared';
import { RetryGroup } from '../../src/backoff.js';
import { ShardWorker } from '../../src/cluster/shard-worker.js';
import { shardOf } from '../../src/cluster/sharding.js';
import type { LogEntry } from '../../src/cluster/tick-log.js';
import { MarketState } from '../../src/market/market-state.js';
import { TicksRepository } from '../../src/store/ticks-repository.js';
import { silentLog, startTestServer, type TestServer } from '../support/harness.js';

const SHARDS = 16;
const HOLD_MS = 10_000;

/**
 * A shard owner's hold on stored seconds (TICK_STORE=seconds): a stored second's entries stay unacknowledged for a
 * while, so that a next owner rebuilds a second a late trade corrected as one item. A correction holds all of the
 * second's entries again, not just the late one's: otherwise the first ones could be acknowledged while the late one
 * is still held, and a hand-over in between would rebuild the second from the late trade alone.
 */
describe(`a shard owner's hold on stored seconds, on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TICK_STORE: 'seconds' });
  });
  afterAll(() => server.close());

  it('holds every entry of a corrected second from the correction on', async () => {
    let now = Date.now();
    const worker = new ShardWorker(
      server.app.engine,
      new MarketState(),
      new TicksRepository(server.store.clients.doc, server.store.tables.ticks),
      SHARDS,
      () => true,
      { capacity: 1_000, concurrency: 2, retries: new RetryGroup(), tickStore: 'seconds' },
      silentLog,
      () => now,
    );
    const symbol = 'HOLDA';
    const shard = shardOf(symbol, SHARDS);
    const second = Math.floor(now / 1000) * 1000 - 5_000;
    const entry = (id: string, offset: number, price: number): LogEntry => {
      const tick: Tick = { symbol, timestamp: second + offset, price, volume: 1, source: 'http_ingest' };
      return { id, logged: { tick, key: tick.timestamp } };
    };

    expect(await worker.work(shard, [entry('1-0', 100, 10), entry('2-0', 200, 11)])).toEqual([]);
    // Due and stored: held from now.
    now += 2_000;
    expect(await worker.flush(shard)).toEqual([]);
    const firstStored = now;
    // A late trade corrects the second 5 s later.
    now += 5_000;
    expect(await worker.work(shard, [entry('3-0', 150, 12)])).toEqual([]);
    // Past the first entries' original hold, before the correction's: still all held.
    now = firstStored + HOLD_MS + 1_000;
    expect(await worker.flush(shard)).toEqual([]);
    // Past the correction's hold: all three at once.
    now = firstStored + 5_000 + HOLD_MS + 1;
    expect((await worker.flush(shard)).sort()).toEqual(['1-0', '2-0', '3-0']);
    worker.acknowledged(shard, ['1-0', '2-0', '3-0']);
    expect(await worker.flush(shard)).toEqual([]);
    await worker.close(5_000);
  });
});
