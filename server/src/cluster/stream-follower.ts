import type { Redis } from 'ioredis';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';

const READ_COUNT = 1000;
const BLOCK_MS = 1_000;

/** Stream entries as Redis answers them: id, then field and value pairs. */
export type StreamEntry = [id: string, fields: string[]];

/**
 * Follows some Redis Streams from where they stood at start-up, the way every process follows the tick shards (for
 * live prices, whichever process accepted a tick) and the change stream. After a Redis blip it goes on from the last
 * entry it saw, so what was appended meanwhile still arrives, in order.
 */
export class StreamFollower {
  private readonly last: string[];
  private running = false;
  private loop: Promise<void> | undefined;
  private failures = 0;

  constructor(
    /** A connection of its own: blocking reads hold it. */
    private readonly redis: Redis,
    private readonly streams: readonly string[],
    /** Entries of `streams[index]`, in order; runs before the next read. */
    private readonly onEntries: (index: number, entries: StreamEntry[]) => void,
    private readonly log: Logger,
  ) {
    this.last = streams.map(() => '$');
  }

  /** Starts after the newest entry of each stream now. */
  async start(): Promise<void> {
    await Promise.all(
      this.streams.map(async (stream, index) => {
        const newest = (await this.redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
        this.last[index] = newest[0]?.[0] ?? '0-0';
      }),
    );
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the read in progress (close the connection to cut it short). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const reply = (await this.redis.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...this.streams,
          ...this.last,
        )) as [string, StreamEntry[]][] | null;
        this.failures = 0;
        for (const [stream, entries] of reply ?? []) {
          const index = this.streams.indexOf(stream);
          this.last[index] = entries[entries.length - 1]![0];
          this.onEntries(index, entries);
        }
      } catch (err) {
        if (!this.running) return;
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn({ err, attempt: this.failures }, 'following Redis streams failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.failures, { baseMs: 100, maxMs: 2_000 })));
      }
    }
  }
}
