import type { Redis } from 'ioredis';
import { SECOND_FLUSH_MS } from '../ingest/tick-pipeline.js';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';
import { TICK_GROUP, type ClusterKeys } from './keys.js';
import { LuaScript } from './redis.js';
import type { StreamEntry } from './stream-follower.js';
import { entryTime, parseEntries, type LogEntry } from './tick-log.js';

/** Entries read per call. */
const READ_COUNT = 500;
/** How long one blocking read waits for new entries; also how soon a newly owned shard joins the read. */
const BLOCK_MS = 250;
/**
 * Entries stay in a stream this long after the owner acknowledged everything before them, for processes whose live
 * reads were cut off (a Redis blip, a slow process) to catch up on prices; older ones are trimmed.
 */
export const RETAIN_MS = 60_000;
/**
 * How often an owner looks for entries another consumer still holds unacknowledged and idle for STRAGGLER_IDLE_MS:
 * a previous owner's read that returned just as its lease ran out.
 */
const SWEEP_MS = 5_000;
/** Longer than a stored second's entries are held unacknowledged (shard-worker.ts, 10 s), so a sweep never takes those. */
const STRAGGLER_IDLE_MS = 20_000;

/**
 * Acknowledges entries only while our token still holds the shard's lease, and trims what everyone is done with.
 * KEYS: the lease, the stream. ARGV: the token, the trim point, the ids.
 */
const ACK = new LuaScript<number>(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('XACK', KEYS[2], '${TICK_GROUP}', unpack(ARGV, 3))
redis.call('XTRIM', KEYS[2], 'MINID', '~', ARGV[2])
return 0`);

/**
 * What the owner does with a shard's entries before they are acknowledged: evaluate alerts and store the ticks. Work
 * may hold entries back (a trade whose second is not stored yet): it answers with the ids that may be acknowledged
 * now, and gives the held ones later, from `work` or `flush`, once what they belong to is stored.
 */
export interface ShardWork {
  work(shard: number, entries: LogEntry[]): Promise<string[]>;
  flush(shard: number): Promise<string[]>;
  /** These ids, which work answered, are acknowledged. */
  acknowledged(shard: number, ids: readonly string[]): void;
  /**
   * The shard was handed over: what is held of its entries is dropped, never stored, for the next owner to read again.
   * Work that failed keeps what it holds: the entries it gets again are ones it has already.
   */
  drop(shard: number): void;
}

interface Owned {
  token: string;
  /** False until every entry left unacknowledged by earlier owners (or failed here) has been taken over. */
  caughtUp: boolean;
  cursor: string;
  /** Idle time an unacknowledged entry needs before it is taken over in the current pass. */
  minIdleMs: number;
  sweptAt: number;
}

/**
 * The owner's reading of its shards' streams through their consumer group: entries earlier owners left
 * unacknowledged first (XAUTOCLAIM), then new ones; each batch is worked on and acknowledged, fenced by the lease,
 * only after the work finished. A batch whose work failed is left unacknowledged and taken up again after a pause.
 */
export class ShardConsumer {
  private readonly owned = new Map<number, Owned>();
  private running = false;
  private loop: Promise<void> | undefined;
  /** The batches being worked on, by shard. */
  private readonly working = new Map<number, Promise<unknown>>();
  private failures = 0;
  private flushedAt = 0;

  constructor(
    /** A connection of its own: blocking reads hold it. */
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly consumer: string,
    private readonly work: ShardWork,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Starts consuming a shard we now own. */
  add(shard: number, token: string): void {
    this.owned.set(shard, { token, caughtUp: false, cursor: '0-0', minIdleMs: 0, sweptAt: Date.now() });
  }

  /** Stops consuming a shard; resolves once a batch of it being worked on is finished. */
  async remove(shard: number): Promise<void> {
    this.owned.delete(shard);
    await this.working.get(shard)?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const moved = await this.step();
        this.failures = 0;
        if (!moved) await sleep(this.owned.size === 0 ? BLOCK_MS : 0);
      } catch (err) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn({ err, attempt: this.failures }, 'reading or working on owned tick shards failed; retrying');
        // What failed is still unacknowledged in our name: take it up again from the start of each shard.
        for (const owned of this.owned.values()) restart(owned, 0);
        await sleep(backoffDelay(this.failures, { baseMs: 100, maxMs: 2_000 }));
      }
    }
  }

  /** One read and its work; false when there was nothing to do. */
  private async step(): Promise<boolean> {
    const now = Date.now();
    if (now - this.flushedAt >= SECOND_FLUSH_MS) {
      this.flushedAt = now;
      await this.settle(
        [...this.owned].map(([shard, owned]) => this.acknowledge(shard, owned, () => this.work.flush(shard))),
      );
    }
    for (const owned of this.owned.values())
      if (owned.caughtUp && now - owned.sweptAt >= SWEEP_MS) restart(owned, STRAGGLER_IDLE_MS);
    for (const [shard, owned] of this.owned) {
      if (owned.caughtUp) continue;
      await this.createGroup(shard);
      const [next, entries] = (await this.redis.xautoclaim(
        this.keys.tickStream(shard),
        TICK_GROUP,
        this.consumer,
        owned.minIdleMs,
        owned.cursor,
        'COUNT',
        READ_COUNT,
      )) as [string, (StreamEntry | null)[]];
      const claimed = entries.filter((e): e is StreamEntry => e !== null);
      if (claimed.length > 0) await this.handle(shard, owned, claimed);
      owned.cursor = next;
      if (next === '0-0') owned.caughtUp = true;
      return true;
    }
    const shards = [...this.owned.keys()];
    if (shards.length === 0) return false;
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      TICK_GROUP,
      this.consumer,
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      ...shards.map((shard) => this.keys.tickStream(shard)),
      ...shards.map(() => '>'),
    )) as [string, StreamEntry[]][] | null;
    if (!reply) return false;
    // Shards are independent (a symbol lives in one): their batches are worked on side by side, so a fire never
    // waits for other shards' store writes.
    await this.settle(
      reply.map(async ([stream, entries]) => {
        const shard = shards.find((s) => this.keys.tickStream(s) === stream)!;
        const owned = this.owned.get(shard);
        // Handed over while the read was blocked: the entries stay unacknowledged for the next owner.
        if (owned) await this.handle(shard, owned, entries);
      }),
    );
    return true;
  }

  /** Waits for every shard's part; only then is one that failed thrown, to be taken up with nothing else working. */
  private async settle(parts: Promise<void>[]): Promise<void> {
    const failed = (await Promise.allSettled(parts)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async handle(shard: number, owned: Owned, entries: StreamEntry[]): Promise<void> {
    const parsed = parseEntries(entries);
    const skipped = parsed.filter((entry) => !entry.logged).length;
    if (skipped > 0) this.log.warn({ shard, skipped }, 'skipped stream entries that are not ticks');
    await this.acknowledge(shard, owned, () => this.work.work(shard, parsed));
  }

  /** Runs a shard's work and acknowledges what it answers may be, fenced by the shard's lease. */
  private async acknowledge(shard: number, owned: Owned, work: () => Promise<string[]>): Promise<void> {
    const done = work();
    this.working.set(shard, done);
    let ids: string[];
    try {
      ids = await done;
    } finally {
      this.working.delete(shard);
    }
    // A read's worth at a time: Lua's unpack takes some thousands of arguments at most, and held seconds can come due
    // together in far larger numbers (a busy shard taken over).
    for (let start = 0; start < ids.length; start += READ_COUNT) {
      const chunk = ids.slice(start, start + READ_COUNT);
      let oldest = Infinity;
      for (const id of chunk) oldest = Math.min(oldest, entryTime(id));
      const trimTo = `${Math.max(0, oldest - RETAIN_MS)}-0`;
      const acked = await ACK.run(
        this.redis,
        [this.keys.shardLease(shard), this.keys.tickStream(shard)],
        [owned.token, trimTo, ...chunk],
      );
      if (acked < 0) {
        this.log.warn({ shard }, 'the shard changed owner during a batch; the new owner takes it up again');
        if (this.owned.get(shard) === owned) this.owned.delete(shard);
        this.work.drop(shard);
        return;
      }
      this.work.acknowledged(shard, chunk);
    }
  }

  private async createGroup(shard: number): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.tickStream(shard), TICK_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
    }
  }
}

/** Takes over unacknowledged entries idle at least `minIdleMs`, from the start of the stream. */
function restart(owned: Owned, minIdleMs: number): void {
  owned.caughtUp = false;
  owned.cursor = '0-0';
  owned.minIdleMs = minIdleMs;
  owned.sweptAt = Date.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
