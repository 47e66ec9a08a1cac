import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { CapacityKind } from '../store/consumed-capacity.js';
import type { TableKey } from '../store/tables.js';
import { emptyUnits, LEDGER_MINUTES, type UsageWindow } from '../usage/usage-ledger.js';
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

  /** The cluster's units over the `windowMs` up to `at`, this process's latest included. */
  async window(windowMs: number, at: number): Promise<UsageWindow> {
    await this.flush();
    const last = Math.floor(at / MINUTE_MS);
    const first = last - Math.min(LEDGER_MINUTES, Math.ceil(windowMs / MINUTE_MS)) + 1;
    const batch = this.redis.pipeline();
    batch.get(this.keys.usageSince);
    for (let minute = first; minute <= last; minute++) batch.hgetall(this.keys.usage(minute));
    const [sinceReply, ...minutes] = (await batch.exec()) ?? [];
    const tables = emptyUnits();
    for (const [err, hash] of minutes) {
      if (err) throw err;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const [table, kind] = field.split(':') as [TableKey, CapacityKind];
        if (tables[table]) tables[table][kind] += Number(value);
      }
    }
    const since = Number(sinceReply?.[1] ?? at);
    const from = first * MINUTE_MS;
    return { from, to: at, coveredMs: Math.max(0, at - Math.max(from, since)), tables };
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
