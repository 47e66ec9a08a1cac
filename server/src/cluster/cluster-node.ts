import crypto from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { ClusterHealth, Fundamentals, Tick } from '@tickwatch/shared';
import type { ClusterConfig } from '../config.js';
import type { AlertChanges } from '../engine/alert-changes.js';
import type { AlertEngine } from '../engine/alert-engine.js';
import type { TickFeed, TickSink } from '../feeds/feed.js';
import type { IngestResult, PersistenceOptions, TickIntake, TickPipeline } from '../ingest/tick-pipeline.js';
import type { WriteQueueStats } from '../ingest/write-queue.js';
import type { Logger } from '../log.js';
import type { MarketState } from '../market/market-state.js';
import type { FundamentalsRepository } from '../store/fundamentals-repository.js';
import type { TicksRepository } from '../store/ticks-repository.js';
import { ChangePublisher, parseChanges, type ClusterChange } from './changes.js';
import { ClusterUsage } from './cluster-usage.js';
import { FEED_TIMING, FeedLeader } from './feed-leader.js';
import { ClusterKeys } from './keys.js';
import { Lease } from './lease.js';
import { connectRedis, openRedis } from './redis.js';
import { ShardConsumer } from './shard-consumer.js';
import { ShardOwnership } from './shard-ownership.js';
import { ShardWorker } from './shard-worker.js';
import { shardOf } from './sharding.js';
import { StreamFollower } from './stream-follower.js';
import { TickLog, ticksOf } from './tick-log.js';

export interface ClusterParts {
  pipeline: TickPipeline;
  engine: AlertEngine;
  /** The engine's market state: only the ticks of owned shards move it. */
  evaluated: MarketState;
  ticks: TicksRepository;
  fundamentals: FundamentalsRepository;
  /** `counts` also learns the feed's ticks received, accepted and dropped, when this process leads the feed. */
  persistence: PersistenceOptions;
  /** A fresh feed writing to the sink, for each term this process leads it. */
  createFeed(sink: TickSink): TickFeed;
  /** Email and SNS deliveries a dead owner left pending, for the symbols of a shard this process took over. */
  resumeDeliveries(owns: (symbol: string) => boolean): void;
  /**
   * How long a delivery can still be under way at its previous owner (every retry of a handed-over shard's email);
   * the outbox of a shard taken over is read only after that, so a delivery is never made by two processes.
   */
  deliveryWindowMs: number;
}

/**
 * This process as one of a cluster (REDIS_URL): any process takes ticks and serves any socket; the shard owners
 * store and evaluate; one runs the feed. See docs/scaling.md for what each part guarantees.
 */
export class ClusterNode {
  readonly instance: string;
  readonly keys: ClusterKeys;
  /** Consumed DynamoDB units of the whole cluster, for /api/usage. */
  readonly usage: ClusterUsage;
  private readonly commands: Redis;
  private readonly readers: Redis[] = [];
  private readonly log: TickLog;
  private readonly publisher: ChangePublisher;
  private worker: ShardWorker | undefined;
  private consumer: ShardConsumer | undefined;
  private ownership: ShardOwnership | undefined;
  private feedLeader: FeedLeader | undefined;
  private followers: StreamFollower[] = [];
  private applying = Promise.resolve();

  private constructor(
    private readonly config: ClusterConfig,
    tablePrefix: string,
    private readonly logger: Logger,
  ) {
    this.instance = `${config.nodeId}#${crypto.randomBytes(4).toString('hex')}`;
    this.keys = new ClusterKeys(tablePrefix);
    this.commands = openRedis(config.redisUrl, `${config.nodeId}:commands`, logger);
    this.log = new TickLog(this.commands, this.keys, config.tickShards);
    this.publisher = new ChangePublisher(this.commands, this.keys.changes, logger);
    this.usage = new ClusterUsage(this.commands, this.keys, logger);
  }

  /** Connects to Redis; fails with a sentence naming REDIS_URL when it does not answer. */
  static async connect(config: ClusterConfig, tablePrefix: string, logger: Logger): Promise<ClusterNode> {
    const node = new ClusterNode(config, tablePrefix, logger);
    await connectRedis(node.commands);
    // Every process must shard symbols alike, or two would own one symbol's ticks: the first sets the number.
    await node.commands.set(node.keys.shardCount, config.tickShards, 'NX');
    const shards = Number(await node.commands.get(node.keys.shardCount));
    if (shards !== config.tickShards) {
      node.commands.disconnect();
      throw new Error(
        `TICK_SHARDS is ${config.tickShards}, but this cluster (REDIS_URL, TABLE_PREFIX) runs ${shards} shards; ` +
          'every process must use the same number',
      );
    }
    await node.usage.start(Date.now());
    return node;
  }

  /** Accepting a tick means appending it to the tick log. */
  get intake(): TickIntake {
    return {
      ingest: async (ticks: readonly Tick[]): Promise<IngestResult> => {
        await this.log.append(ticks);
        return { accepted: ticks.length };
      },
    };
  }

  /** API writes reach the engine of the symbol's owner through the change stream. */
  get changes(): AlertChanges {
    return {
      changed: (item, previousSymbol) =>
        this.publisher.publish({
          kind: 'alert',
          alertId: item.alert_id,
          symbols: [...new Set([item.symbol, previousSymbol ?? item.symbol])],
        }),
      removed: (alertId) => this.publisher.publish({ kind: 'alert-removed', alertId }),
      fundamentalsChanged: (symbol) => this.publisher.publish({ kind: 'fundamentals', symbol }),
    };
  }

  /** The Socket.IO adapter: rooms and acknowledgements across processes, over a Redis Stream. */
  socketAdapter(): ReturnType<typeof createAdapter> {
    // Its own connection, queueing while Redis is away: the adapter resumes its stream where it left off.
    const redis = openRedis(this.config.redisUrl, `${this.config.nodeId}:socket.io`, this.logger);
    redis.options.enableOfflineQueue = true;
    redis.options.maxRetriesPerRequest = null;
    this.readers.push(redis);
    void redis.connect().catch(() => undefined);
    // Named after the cluster, so clusters sharing one Redis never see each other's rooms or fires.
    return createAdapter(redis, {
      streamName: this.keys.socketStream,
      channelPrefix: this.keys.socketStream,
      sessionKeyPrefix: `${this.keys.socketStream}:session:`,
    });
  }

  /** A rate-limit store counting across the cluster; `name` keeps each limiter's counts apart. */
  rateLimitStore(name: string): RedisStore {
    return new RedisStore({
      prefix: `${this.keys.rateLimits}${name}:`,
      sendCommand: (command: string, ...args: string[]) =>
        this.commands.call(command, ...args) as Promise<number | string | (number | string)[]>,
    });
  }

  /** Follows every shard and the change stream, takes part in dividing the shards, and competes for the feed. */
  async start(parts: ClusterParts): Promise<void> {
    const logger = this.logger;
    const worker = new ShardWorker(
      parts.engine,
      parts.evaluated,
      parts.ticks,
      this.config.tickShards,
      (shard) => this.ownership?.owned().includes(shard) ?? false,
      parts.persistence,
      logger.child({ part: 'shard-worker' }),
    );
    this.worker = worker;
    const shardStreams = Array.from({ length: this.config.tickShards }, (_, shard) => this.keys.tickStream(shard));
    this.followers = [
      new StreamFollower(
        await this.reader('ticks'),
        shardStreams,
        (_, entries) => parts.pipeline.show(ticksOf(entries)),
        logger.child({ part: 'tick-follower' }),
      ),
      new StreamFollower(
        await this.reader('changes'),
        [this.keys.changes],
        (_, entries) => {
          // In order, one at a time: two quick edits of one alert must not land in the engine the wrong way round.
          for (const change of parseChanges(entries))
            this.applying = this.applying.then(() => this.applyChange(change, parts));
        },
        logger.child({ part: 'change-follower' }),
      ),
    ];
    await Promise.all(this.followers.map((follower) => follower.start()));

    const consumer = new ShardConsumer(
      await this.reader('shards'),
      this.keys,
      this.instance,
      worker,
      logger.child({ part: 'shard-consumer' }),
    );
    this.consumer = consumer;
    consumer.start();
    this.ownership = new ShardOwnership(
      this.commands,
      this.keys,
      this.config.tickShards,
      this.instance,
      {
        acquired: (shard, token) => {
          consumer.add(shard, token);
          const resume = setTimeout(() => {
            if (!this.ownership?.owned().includes(shard)) return;
            parts.resumeDeliveries((symbol) => shardOf(symbol, this.config.tickShards) === shard);
          }, parts.deliveryWindowMs);
          resume.unref();
        },
        lost: async (shard) => {
          await consumer.remove(shard);
          await worker.release(shard);
        },
      },
      logger.child({ part: 'shards' }),
    );
    await this.ownership.start();

    this.feedLeader = new FeedLeader(
      new Lease(this.commands, this.keys.feedLease, this.keys.fence(this.keys.feedLease), FEED_TIMING.leaseMs),
      this.instance,
      this.log,
      parts.createFeed,
      logger.child({ part: 'feed-leader' }),
      FEED_TIMING,
      parts.persistence.counts,
    );
    await this.feedLeader.start();
  }

  /** The feed's status when this process runs it. */
  feedStatus(): ReturnType<TickFeed['status']> | undefined {
    return this.feedLeader?.status();
  }

  /** The owned shards' ticks on their way to the store; feed ticks Redis did not take count as dropped. */
  stats(): WriteQueueStats & { dropped: number } {
    const idle = { queued: 0, capacity: 0, inFlight: 0, written: 0, failedBatches: 0, deadLettered: 0, oldestAgeMs: 0 };
    return { ...(this.worker?.stats() ?? idle), dropped: this.feedLeader?.droppedTicks ?? 0 };
  }

  health(): ClusterHealth {
    return {
      node: this.instance,
      redis: this.commands.status === 'ready' ? 'ok' : 'unreachable',
      members: this.ownership?.liveMembers().length ?? 0,
      shards: this.ownership?.owned() ?? [],
      feedLeader: this.feedLeader?.isLeader ?? false,
      storing: this.worker?.stats().queued ?? 0,
      droppedFeedTicks: this.feedLeader?.droppedTicks ?? 0,
    };
  }

  /** Stops the feed and hands every shard back after its batch; `disconnect` ends the rest. */
  async close(timeoutMs: number): Promise<void> {
    await this.feedLeader?.stop();
    await this.ownership?.stop();
    await this.consumer?.stop();
    await this.worker?.close(timeoutMs);
    for (const follower of this.followers) void follower.stop();
    for (const redis of this.readers) redis.disconnect();
  }

  /**
   * Adds the last consumed units to the cluster's figures and disconnects: after everything else has closed, as
   * shutting down still writes to DynamoDB (queued ticks, alert decisions, delivery statuses).
   */
  async disconnect(): Promise<void> {
    await this.usage.close();
    this.commands.disconnect();
  }

  private async applyChange(change: ClusterChange, parts: ClusterParts): Promise<void> {
    try {
      if (change.kind === 'fundamentals') {
        const item = await parts.fundamentals.get(change.symbol);
        if (!item) return;
        const { symbol, updated_at: _updatedAt, ...fundamentals } = item;
        parts.engine.setFundamentals(symbol, fundamentals satisfies Fundamentals);
      } else if (change.kind === 'alert-removed') parts.engine.remove(change.alertId);
      else await this.worker?.apply(change);
    } catch (err) {
      this.logger.warn(
        { err, change },
        'could not apply an alert change from the cluster; it applies at the next load',
      );
    }
  }

  private async reader(name: string): Promise<Redis> {
    const redis = openRedis(this.config.redisUrl, `${this.config.nodeId}:${name}`, this.logger);
    this.readers.push(redis);
    await connectRedis(redis);
    return redis;
  }
}
