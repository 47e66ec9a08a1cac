import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRedis, type RedisServer } from './redis.js';

describe('startRedis', () => {
  const started: RedisServer[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    clients.splice(0).forEach((client) => client.disconnect());
    await Promise.all(started.splice(0).map((redis) => redis.stop()));
  });

  async function start(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
    const redis = await startRedis(options);
    started.push(redis);
    return redis;
  }
  function connect(redis: RedisServer): Redis {
    const client = new Redis(redis.url, { retryStrategy: () => 50 });
    // Refused connections while the server is down are expected: ioredis retries and queues commands meanwhile.
    client.on('error', () => {});
    clients.push(client);
    return client;
  }

  it('answers PING on a loopback port with an fsynced append-only file', async () => {
    const redis = await start();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const client = connect(redis);
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
  });

  it('keeps an acknowledged write through restart() on the same port', async () => {
    const redis = await start();
    const client = connect(redis);
    await client.set('tick', 'AAPL 228.5');
    const pid = redis.pid;

    await redis.restart(200);

    expect(redis.pid).not.toBe(pid);
    expect(await client.get('tick')).toBe('AAPL 228.5');
  });

  it('keeps an acknowledged write through kill -9', async () => {
    const redis = await start();
    const client = connect(redis);
    await client.xadd('ticks', '*', 'symbol', 'AAPL', 'price', '228.5');

    redis.kill();
    await redis.restart();

    expect(await client.xlen('ticks')).toBe(1);
  });

  it('reports an exit it did not ask for', async () => {
    let exited: (code: number | null) => void = () => {};
    const exitCode = new Promise<number | null>((resolve) => (exited = resolve));
    const redis = await start({ onUnexpectedExit: ({ code }) => exited(code) });
    process.kill(redis.pid!, 'SIGTERM');
    expect(await exitCode).toBe(0);
    expect(redis.pid).toBeUndefined();
  });

  it('stop() removes the temporary directory it made, and keeps one it was given', async () => {
    const own = await start();
    expect(fs.existsSync(path.join(own.dir, 'appendonlydir'))).toBe(true);
    await own.stop();
    expect(fs.existsSync(own.dir)).toBe(false);

    const given = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-redis-test-'));
    try {
      const redis = await start({ dir: given });
      await redis.stop();
      expect(fs.existsSync(path.join(given, 'appendonlydir'))).toBe(true);
    } finally {
      fs.rmSync(given, { recursive: true, force: true });
    }
  });

  it('names the package to install when there is no redis-server', async () => {
    vi.stubEnv('REDIS_SERVER', '');
    vi.stubEnv('PATH', '/nonexistent');
    await expect(startRedis()).rejects.toThrow(/apt-get install -y redis-server/);
  });

  it('says so when REDIS_SERVER does not run', async () => {
    vi.stubEnv('REDIS_SERVER', '/nonexistent/redis-server');
    await expect(startRedis()).rejects.toThrow(/REDIS_SERVER=\/nonexistent\/redis-server does not run/);
  });
});
