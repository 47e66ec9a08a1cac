import type { Redis } from 'ioredis';
import { LuaScript } from './redis.js';

/**
 * Records this process's heartbeat and answers the live members: those that beat within `ttlMs`, by Redis's own
 * clock so processes on different machines agree. Members that stopped beating are removed.
 */
const HEARTBEAT = new LuaScript<string[]>(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
return redis.call('ZRANGE', KEYS[1], 0, -1)`);

export class Membership {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly instance: string,
    private readonly ttlMs: number,
  ) {}

  beat(): Promise<string[]> {
    return HEARTBEAT.run(this.redis, [this.key], [this.instance, this.ttlMs]);
  }

  async leave(): Promise<void> {
    await this.redis.zrem(this.key, this.instance);
  }
}
