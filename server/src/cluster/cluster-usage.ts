import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { CapacityKind } from '../store/consumed-capacity.js';
import { TABLE_NAMES, type TableKey } from '../store/tables.js';
import { LEDGER_MINUTES, UsageLedger, type UsageWindows } from '../usage/usage-ledger.js';
import type { ClusterKeys } from './keys.js';

const MINUTE_MS = 60_000;
/** How often a process adds what it consumed to the cluster's minutes; what a crash can lose of the figures. */
const FLUSH_MS = 5_000;
/** A minute's hash outlives the longest window by an hour. */
const KEEP_SECONDS = 25 * 3_600;

/**
 * The consumed units of every process of the cluster, minute by minute in Redis: each process adds its own with
 * HINCRBYFLOAT every few seconds, and /api/usage on any process sums the cluster's minutes. Units a process had not
 * yet added when it died are missing from the figures (at most FLUSH_MS of its calls).
 */
export class ClusterUsage {
  private pending = new Map<string, { minute: number; field: string; units: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly log: Logger,
  ) {}

  /** Marks when the cluster began counting (the first process to start), then adds this process's units regularly. */
  async start(now: number): Promise<void> {
    // It lapses with the minutes it dates: a cluster started again after a day down counts from then, not from before.
    await this.redis.set(this.keys.usageSince, now, 'EX', KEEP_SECONDS, 'NX');
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(table: TableKey, kind: CapacityKind, units: number, at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const field = `${table}:${kind}`;
    const key = `${minute}|${field}`;
    const entry = this.pending.get(key);
    if (entry) entry.units += units;
    else this.pending.set(key, { minute, field, units });
  }

  /**
   * The cluster's units over the last hour and 24 h up to `at`, this process's latest included: the day's minutes read
   * in one round trip, then summed as a process sums its own.
   */
  async windows(at: number): Promise<UsageWindows> {
    await this.flush();
    const last = Math.floor(at / MINUTE_MS);
    const first = last - LEDGER_MINUTES + 1;
    const batch = this.redis.pipeline();
    batch.get(this.keys.usageSince);
    for (let minute = first; minute <= last; minute++) batch.hgetall(this.keys.usage(minute));
    const [sinceReply, ...minutes] = (await batch.exec()) ?? [];
    const ledger = new UsageLedger(Number(sinceReply?.[1] ?? at));
    for (const [i, [err, hash]] of minutes.entries()) {
      if (err) throw err;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const [table, kind] = field.split(':') as [TableKey, CapacityKind];
        if (table in TABLE_NAMES && (kind === 'read' || kind === 'write')) {
          ledger.record(table, kind, Number(value), (first + i) * MINUTE_MS);
        }
      }
    }
    return ledger.windows(at);
  }

  /** Adds what is left; units Redis did not take are kept for the next try. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.send());
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.pending.size === 0) return;
    const sending = this.pending;
    this.pending = new Map();
    const batch = this.redis.multi();
    // Dates the counting again if it lapsed while nothing was consumed, and keeps it as long as the minutes.
    batch.set(this.keys.usageSince, Date.now(), 'EX', KEEP_SECONDS, 'NX');
    batch.expire(this.keys.usageSince, KEEP_SECONDS);
    for (const { minute, field, units } of sending.values()) {
      batch.hincrbyfloat(this.keys.usage(minute), field, units);
      batch.expire(this.keys.usage(minute), KEEP_SECONDS);
    }
    try {
      await batch.exec();
    } catch (err) {
      for (const [key, entry] of sending) {
        const now = this.pending.get(key);
        if (now) now.units += entry.units;
        else this.pending.set(key, entry);
      }
      this.log.warn({ err }, 'could not add consumed units to the cluster figures; retrying');
    }
  }
}
