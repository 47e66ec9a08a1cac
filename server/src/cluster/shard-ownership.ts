import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { ClusterKeys } from './keys.js';
import { Lease } from './lease.js';
import { startRounds } from './rounds.js';
import { Membership } from './membership.js';
import { preferredOwner } from './sharding.js';

export interface OwnershipHooks {
  /** This process now holds the shard, with `token` fencing its acknowledgements. */
  acquired(shard: number, token: string): void;
  /** The shard is no longer ours; resolves once nothing more is done for it here (then the lease is released). */
  lost(shard: number): Promise<void>;
}

export interface OwnershipTiming {
  /** A lease not renewed this long is free for another process; also how long a silent member counts as alive. */
  leaseMs: number;
  /** How often leases are renewed and the division of shards is looked at again. */
  intervalMs: number;
}

/** A dead process's shards move within leaseMs + intervalMs (6 s by default; the issue allows 10). */
export const OWNERSHIP_TIMING: OwnershipTiming = { leaseMs: 5_000, intervalMs: 1_000 };

interface Held {
  token: string;
  lease: Lease;
  renewedAt: number;
  /** Being handed back: still renewed, so nobody takes it before the work on it here has finished. */
  leaving: boolean;
}

/**
 * Divides the tick shards among the live processes. Each process beats into the member set, and every interval
 * works out for each shard which live member should own it (rendezvous hashing, so a change of members moves few
 * shards); it takes the leases of its own shards when free, renews those it holds, and hands back those that
 * belong to another live member now. A process that cannot renew (Redis away, or the lease taken) stops working
 * on the shard once the lease may have lapsed, before anyone else can take it.
 */
export class ShardOwnership {
  private readonly held = new Map<number, Held>();
  private readonly membership: Membership;
  private readonly leases: Lease[];
  private rounds: { stop(): Promise<void> } | undefined;
  private members: string[] = [];
  private stopped = false;
  /** Shards whose work here is being stopped, with that stopping. */
  private readonly handingOver = new Map<number, Promise<void>>();

  constructor(
    private readonly redis: Redis,
    keys: ClusterKeys,
    shards: number,
    readonly instance: string,
    private readonly hooks: OwnershipHooks,
    private readonly log: Logger,
    private readonly timing: OwnershipTiming = OWNERSHIP_TIMING,
  ) {
    this.membership = new Membership(redis, keys.members, instance, timing.leaseMs);
    this.leases = Array.from(
      { length: shards },
      (_, shard) => new Lease(redis, keys.shardLease(shard), keys.fence(keys.shardLease(shard)), timing.leaseMs),
    );
  }

  /** Takes part in the division now and then every interval. */
  async start(): Promise<void> {
    this.rounds = await startRounds(() => this.round(), this.timing.intervalMs);
  }

  /** Shards held now and worked on (not being handed back). */
  owned(): number[] {
    return [...this.held]
      .filter(([, held]) => !held.leaving)
      .map(([shard]) => shard)
      .sort((a, b) => a - b);
  }

  /** Live members at the last heartbeat. */
  liveMembers(): readonly string[] {
    return this.members;
  }

  /** Hands every shard back (after the hooks finish with them) and leaves the member set. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.rounds?.stop();
    await Promise.all(this.owned().map((shard) => this.giveUp(shard, true)));
    await Promise.all(this.handingOver.values());
    await this.membership.leave().catch(() => undefined);
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    try {
      this.members = await this.membership.beat();
    } catch (err) {
      this.log.debug({ err }, 'cluster heartbeat failed');
      this.lapse();
      return;
    }
    await Promise.all(this.leases.map((_, shard) => this.review(shard)));
  }

  private async review(shard: number): Promise<void> {
    const preferred = preferredOwner(shard, this.members);
    const held = this.held.get(shard);
    try {
      if (held) {
        if (!held.leaving && preferred !== undefined && preferred !== this.instance) {
          void this.giveUp(shard, true);
          return;
        }
        if (await held.lease.renew(held.token)) held.renewedAt = Date.now();
        else {
          this.log.warn({ shard }, 'lost the lease of a shard to another process');
          void this.giveUp(shard, false, held);
        }
        return;
      }
      // Taken again only once the work of the last time we held it has stopped here.
      if (preferred !== this.instance || this.handingOver.has(shard)) return;
      const token = await this.leases[shard]!.acquire(this.instance);
      if (!token || this.stopped) return;
      this.held.set(shard, { token, lease: this.leases[shard]!, renewedAt: Date.now(), leaving: false });
      this.log.info({ shard, token }, 'took ownership of a tick shard');
      this.hooks.acquired(shard, token);
    } catch (err) {
      this.log.debug({ err, shard }, 'could not review a shard lease');
      this.lapse();
    }
  }

  /** Without Redis no lease can be renewed: stop working on every shard whose lease may have run out. */
  private lapse(): void {
    const now = Date.now();
    for (const [shard, held] of this.held) {
      if (now - held.renewedAt >= this.timing.leaseMs - this.timing.intervalMs) {
        // Whatever is still being finished here, the lease may be gone: nothing more may be acknowledged.
        void this.giveUp(shard, false, held);
      }
    }
  }

  /**
   * Stops working on a shard. When handing it back (`release`) the lease stays ours, renewed, until the work here has
   * finished, so the next owner starts from what this one recorded.
   */
  private async giveUp(shard: number, release: boolean, held = this.held.get(shard)): Promise<void> {
    if (!held) return;
    if (!release && this.held.get(shard) === held) this.held.delete(shard);
    if (held.leaving) return;
    held.leaving = true;
    const handover = (async () => {
      await this.hooks.lost(shard);
      if (release && this.held.get(shard) === held) {
        this.held.delete(shard);
        await held.lease.release(held.token).catch(() => undefined);
      }
      this.log.info({ shard }, 'gave up ownership of a tick shard');
    })();
    this.handingOver.set(shard, handover);
    await handover.finally(() => this.handingOver.delete(shard));
  }
}
