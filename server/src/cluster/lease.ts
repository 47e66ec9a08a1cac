import type { Redis } from 'ioredis';
import { LuaScript } from './redis.js';

/**
 * A lease in Redis with a fencing token: one holder at a time, for as long as it renews within `ttlMs`. Each new
 * holder gets a token (`<holder>:<n>`, n from a counter that only grows), and every write made on the lease's behalf
 * checks the token in the same script, so a holder that lost the lease (paused, partitioned, or slow to notice)
 * cannot act on it any more.
 */

/** Takes the lease if free, or extends it if we hold it; answers the token we hold, or null. */
const ACQUIRE = new LuaScript<string | null>(`
local current = redis.call('GET', KEYS[1])
if current then
  if string.sub(current, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return current
  end
  return false
end
local token = ARGV[1] .. ':' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token`);

const RENEW = new LuaScript<number>(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

const RELEASE = new LuaScript<number>(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

export class Lease {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly fenceKey: string,
    readonly ttlMs: number,
  ) {}

  async acquire(holder: string): Promise<string | null> {
    return ACQUIRE.run(this.redis, [this.key, this.fenceKey], [holder, this.ttlMs]);
  }

  /** Whether `token` still held the lease and now holds it for another `ttlMs`. */
  async renew(token: string): Promise<boolean> {
    return (await RENEW.run(this.redis, [this.key], [token, this.ttlMs])) === 1;
  }

  async release(token: string): Promise<void> {
    await RELEASE.run(this.redis, [this.key], [token]);
  }
}
