import type { Tick } from '@tickwatch/shared';
import type { TickFeed, TickSink } from '../feeds/feed.js';
import type { TickCounts } from '../ingest/tick-counts.js';
import type { Logger } from '../log.js';
import type { Lease } from './lease.js';
import { startRounds } from './rounds.js';
import { NotFeedLeaderError, type TickLog } from './tick-log.js';

export interface FeedTiming {
  leaseMs: number;
  intervalMs: number;
}

/** A dead leader's feed resumes elsewhere within leaseMs + intervalMs (12 s; the issue allows 15). */
export const FEED_TIMING: FeedTiming = { leaseMs: 10_000, intervalMs: 2_000 };

/**
 * Runs the feed in exactly one process of the cluster: whoever holds the feed lease. Its ticks are appended to the
 * tick log in batches (one per event-loop turn), each fenced by the lease, so a leader that lost the lease without
 * noticing yet cannot double the feed: its append is refused and it stops. Ticks Redis does not take (a blip) are
 * dropped and counted, as a streaming feed cannot be asked to resend.
 */
export class FeedLeader {
  private feed: TickFeed | undefined;
  private token: string | undefined;
  private renewedAt = 0;
  private rounds: { stop(): Promise<void> } | undefined;
  private batch: Tick[] = [];
  private flushing = false;
  private dropped = 0;
  private stopped = false;

  constructor(
    private readonly lease: Lease,
    private readonly instance: string,
    private readonly log: TickLog,
    /** Builds a fresh feed writing to the sink: each term of leadership gets its own. */
    private readonly createFeed: (sink: TickSink) => TickFeed,
    private readonly logger: Logger,
    private readonly timing: FeedTiming = FEED_TIMING,
    /** Feed ticks received, accepted (in the tick log) and dropped. */
    private readonly counts?: TickCounts,
  ) {}

  get isLeader(): boolean {
    return this.feed !== undefined;
  }

  /** Feed ticks Redis did not take. */
  get droppedTicks(): number {
    return this.dropped;
  }

  /** The feed's status here, or undefined when another process runs it. */
  status(): ReturnType<TickFeed['status']> | undefined {
    return this.feed?.status();
  }

  async start(): Promise<void> {
    this.rounds = await startRounds(() => this.round(), this.timing.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.rounds?.stop();
    const token = this.token;
    await this.resign('shutting down');
    if (token) await this.lease.release(token).catch(() => undefined);
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.token) {
        if (await this.lease.renew(this.token)) this.renewedAt = Date.now();
        else await this.resign('another process holds the feed lease');
        return;
      }
      const token = await this.lease.acquire(this.instance);
      if (!token || this.stopped) return;
      this.token = token;
      this.renewedAt = Date.now();
      this.feed = this.createFeed((tick) => this.offer(tick));
      this.feed.start();
      this.logger.info({ token }, 'this process now runs the feed');
    } catch (err) {
      this.logger.debug({ err }, 'could not review the feed lease');
      // Without Redis the lease cannot be renewed: stop before it may lapse and another process starts the feed.
      if (this.token && Date.now() - this.renewedAt >= this.timing.leaseMs - this.timing.intervalMs)
        await this.resign('the feed lease could not be renewed');
    }
  }

  private async resign(why: string): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    this.token = undefined;
    this.batch = [];
    if (!feed) return;
    await feed.stop();
    this.logger.info({ why }, 'this process no longer runs the feed');
  }

  private offer(tick: Tick): void {
    if (!this.token) return;
    this.counts?.add('received', tick.source);
    this.batch.push(tick);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    while (this.batch.length > 0 && this.token) {
      const batch = this.batch;
      this.batch = [];
      try {
        await this.log.append(batch, this.token);
        for (const tick of batch) this.counts?.add('accepted', tick.source);
      } catch (err) {
        if (err instanceof NotFeedLeaderError) {
          for (const tick of batch) this.counts?.add('dropped', tick.source);
          await this.resign('the feed lease moved to another process');
          break;
        }
        this.dropped += batch.length;
        for (const tick of batch) this.counts?.add('dropped', tick.source);
        if (this.dropped === batch.length || this.dropped % 10_000 < batch.length)
          this.logger.warn({ err, dropped: this.dropped }, 'Redis did not take feed ticks; they are not stored');
      }
    }
    this.flushing = false;
  }
}
