/**
 * Where cluster state lives in Redis. Every key starts with the cluster's name (`tickwatch:` and TABLE_PREFIX), so
 * clusters on separate tables can share one Redis without seeing each other.
 */
export class ClusterKeys {
  readonly prefix: string;

  constructor(tablePrefix: string) {
    this.prefix = `tickwatch:${tablePrefix}`;
  }

  /** The Redis Stream of accepted ticks of one shard. */
  tickStream(shard: number): string {
    return `${this.prefix}:ticks:${shard}`;
  }

  /** Each symbol's last millisecond in a shard and its count of trades: where storage keys are handed out. */
  tickKeys(shard: number): string {
    return `${this.prefix}:tick-keys:${shard}`;
  }

  /** The lease naming the one process that stores and evaluates a shard's ticks. */
  shardLease(shard: number): string {
    return `${this.prefix}:lease:shard:${shard}`;
  }

  /** The lease naming the one process that runs the feed. */
  get feedLease(): string {
    return `${this.prefix}:lease:feed`;
  }

  /** Fencing counter of a lease: each new holder gets a higher number. */
  fence(lease: string): string {
    return `${lease}:fence`;
  }

  /** Processes alive in the cluster: a sorted set of heartbeats. */
  get members(): string {
    return `${this.prefix}:members`;
  }

  /** Alert and fundamentals changes, for the engine that owns the symbol. */
  get changes(): string {
    return `${this.prefix}:changes`;
  }

  /** The number of tick shards the cluster runs with. */
  get shardCount(): string {
    return `${this.prefix}:shards`;
  }

  /** The Socket.IO adapter's stream. */
  get socketStream(): string {
    return `${this.prefix}:socket.io`;
  }

  /** One minute's consumed DynamoDB units of every process, by `table:kind`. */
  usage(minute: number): string {
    return `${this.prefix}:usage:${minute}`;
  }

  /** When the cluster began counting consumed units (epoch ms). */
  get usageSince(): string {
    return `${this.prefix}:usage:since`;
  }

  /** Rate-limit counters. */
  get rateLimits(): string {
    return `${this.prefix}:rate:`;
  }
}

/** The consumer group of every tick stream: the shard owner reads through it and acknowledges what it finished. */
export const TICK_GROUP = 'owner';
