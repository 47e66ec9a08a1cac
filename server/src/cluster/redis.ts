import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/**
 * Connections to the cluster's Redis. Commands fail at once while Redis is unreachable rather than queueing: an
 * ingest request must hear "not stored" (503), never wait for a Redis that may not come back. ioredis reconnects on
 * its own, with a capped back-off.
 */
export function openRedis(url: string, name: string, log: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message, connection: name }, 'Redis connection failed; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ connection: name }, 'Redis connection is back');
    down = false;
  });
  return redis;
}

/** Connects, failing with a sentence that names REDIS_URL when Redis does not answer in time. */
export async function connectRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    redis.disconnect();
    throw new Error(`Could not reach Redis at REDIS_URL: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** A Lua script run by its SHA, sent in full only when Redis does not have it yet (after a restart). */
export class LuaScript<R> {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = crypto.createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<R> {
    try {
      return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as R;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await redis.eval(this.source, keys.length, ...keys, ...args)) as R;
    }
  }
}
