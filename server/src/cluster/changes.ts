import type { Redis } from 'ioredis';
import { z } from 'zod';
import { symbolSchema } from '@tickwatch/shared';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';
import type { StreamEntry } from './stream-follower.js';

/**
 * What changed through the API of some process, for the engine that owns the symbol. Only ids travel: the owner reads
 * the item itself, consistently, so a late or repeated message can never roll it back.
 */
export const clusterChangeSchema = z.discriminatedUnion('kind', [
  /** An alert was created, edited or toggled; `symbols` are its symbols before and after. */
  z.object({ kind: z.literal('alert'), alertId: z.string().min(1), symbols: z.array(symbolSchema).min(1) }),
  z.object({ kind: z.literal('alert-removed'), alertId: z.string().min(1) }),
  z.object({ kind: z.literal('fundamentals'), symbol: symbolSchema }),
]);
export type ClusterChange = z.infer<typeof clusterChangeSchema>;

/** Changes kept in the stream: far more than a second's worth, which is all a follower needs after a blip. */
const MAX_CHANGES = 10_000;
/** Changes waiting for Redis at most; past this the oldest are dropped (and logged). */
const MAX_WAITING = 10_000;

/**
 * Publishes changes to the cluster's change stream. The API answers once the store has the change, so a change
 * Redis does not take at once is retried in the background until it does: its owner then still hears of it, if late.
 */
export class ChangePublisher {
  private waiting: ClusterChange[] = [];
  private sending = false;
  private failures = 0;

  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly log: Logger,
  ) {}

  publish(change: ClusterChange): void {
    this.waiting.push(change);
    if (this.waiting.length > MAX_WAITING) {
      this.waiting.shift();
      this.log.error('too many alert changes waiting for Redis; dropped the oldest (its owner sees it at reload)');
    }
    if (!this.sending) void this.send();
  }

  private async send(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.slice(0, 100);
      try {
        const pipeline = this.redis.pipeline();
        for (const change of batch)
          pipeline.xadd(this.stream, 'MAXLEN', '~', MAX_CHANGES, '*', 'c', JSON.stringify(change));
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
        this.waiting.splice(0, batch.length);
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn({ err, waiting: this.waiting.length }, 'publishing alert changes to Redis failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.failures, { baseMs: 100, maxMs: 2_000 })));
      }
    }
    this.sending = false;
  }
}

/** The changes in some entries of the change stream; entries that are not changes are skipped. */
export function parseChanges(entries: StreamEntry[]): ClusterChange[] {
  return entries.flatMap(([, fields]) => {
    const index = fields.indexOf('c');
    if (index < 0) return [];
    try {
      const parsed = clusterChangeSchema.safeParse(JSON.parse(fields[index + 1] ?? ''));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
