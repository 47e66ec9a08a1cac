/**
 * A private redis-server for a test: `startRedis()` on a free loopback port with an fsynced append-only file in a
 * temporary directory; `restart()`, `kill()` (SIGKILL) and `stop()` for failure-mode tests. The launcher is
 * scripts/lib/redis-server.mjs, shared with `npm run cluster`.
 */
export {
  findRedisServer,
  startRedis,
  type RedisExit,
  type RedisServer,
  type StartRedisOptions,
} from '../../../scripts/lib/redis-server.mjs';
